# Settings of the sample DAGs (dags/samples), read as GENOPS_ environment variables. Defaults equal
# those in dags/genops/core/config.py SETTINGS; an empty string turns an optional feature off.

variable "genops_airflow_api_url" {
  type        = string
  description = "Base URL of the environment's Airflow REST API for the composer_status_report sample (GENOPS_AIRFLOW_API_URL); \"\" uses Airflow's own [api] base_url. After the first apply, `terraform output airflow_uri` gives it (it cannot be wired directly: the environment would depend on itself)."
  default     = ""

  validation {
    condition     = var.genops_airflow_api_url == "" || can(regex("^https://[^\\s/]+(/[^\\s]*)?$", var.genops_airflow_api_url))
    error_message = "genops_airflow_api_url must be \"\" or an https:// URL such as the environment's airflow_uri."
  }
}

variable "genops_feedback_table" {
  type        = string
  description = "Table the customer_service_feedback sample loads, in the evaluations dataset (GENOPS_FEEDBACK_TABLE)."
  default     = "customer_feedback"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.genops_feedback_table)) && length(var.genops_feedback_table) <= 1024
    error_message = "genops_feedback_table must be 1 to 1024 letters, digits or underscores, e.g. \"customer_feedback\"."
  }
}

variable "genops_insights_source_table" {
  type        = string
  description = "Table <project>.<dataset>.<table> the data_insights sample reads a sample of (GENOPS_INSIGHTS_SOURCE_TABLE); \"\" skips the analysis. A private table also needs roles/bigquery.dataViewer for the Composer account."
  default     = ""

  validation {
    condition     = var.genops_insights_source_table == "" || can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]\\.[A-Za-z0-9_]+\\.[A-Za-z0-9_-]+$", var.genops_insights_source_table))
    error_message = "genops_insights_source_table must be \"\" or <project>.<dataset>.<table>, e.g. \"bigquery-public-data.austin_bikeshare.bikeshare_trips\"."
  }
}

variable "genops_samples_prefix" {
  type        = string
  description = "Object prefix in the data bucket of the sample DAGs' staged inputs (<prefix>/inputs, see scripts/data/stage_samples.sh) and outputs (GENOPS_SAMPLES_PREFIX)."
  default     = "samples"

  validation {
    condition     = can(regex("^[^/\\s]([^\\s]*[^/\\s])?$", var.genops_samples_prefix))
    error_message = "genops_samples_prefix must be an object prefix such as \"samples\": not empty, no leading or trailing slash, no spaces."
  }
}

variable "genops_search_data_store" {
  type        = string
  description = "Vertex AI Search data store the grounded_gemini sample grounds in (GENOPS_SEARCH_DATA_STORE), projects/<p>/locations/<l>/collections/<c>/dataStores/<id>; \"\" skips that question. Set, it also enables discoveryengine.googleapis.com and grants the Composer account roles/discoveryengine.viewer."
  default     = ""

  validation {
    condition     = var.genops_search_data_store == "" || can(regex("^projects/[^/\\s]+/locations/[^/\\s]+/collections/[^/\\s]+/dataStores/[^/\\s]+$", var.genops_search_data_store))
    error_message = "genops_search_data_store must be \"\" or projects/<project>/locations/<global|us|eu>/collections/default_collection/dataStores/<id>."
  }
}

variable "genops_translation_language" {
  type        = string
  description = "Language the pdf_coalesce sample translates its summary into (GENOPS_TRANSLATION_LANGUAGE)."
  default     = "Spanish"

  validation {
    condition     = length(trimspace(var.genops_translation_language)) > 0 && length(var.genops_translation_language) <= 40
    error_message = "genops_translation_language must name a language in 1 to 40 characters, e.g. \"Spanish\"."
  }
}

variable "genops_video_scenes_table" {
  type        = string
  description = "Table the mp4_summary sample loads video scenes into, in the evaluations dataset (GENOPS_VIDEO_SCENES_TABLE)."
  default     = "video_scenes"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.genops_video_scenes_table)) && length(var.genops_video_scenes_table) <= 1024
    error_message = "genops_video_scenes_table must be 1 to 1024 letters, digits or underscores, e.g. \"video_scenes\"."
  }
}
