# Settings the DAGs read as GENOPS_ environment variables. Defaults equal those in
# dags/genops/core/config.py SETTINGS (tests/terraform/test_genops_contract.py checks it).

variable "genops_approval_timeout" {
  type        = string
  description = "How long approvers have to answer before genops_pipeline rejects (GENOPS_APPROVAL_TIMEOUT): <n>s, <n>m, <n>h or <n>d."
  default     = "72h"

  validation {
    condition     = can(regex("^[1-9][0-9]*[smhd]$", var.genops_approval_timeout))
    error_message = "genops_approval_timeout must be a duration such as \"30m\", \"72h\" or \"7d\"."
  }
}

variable "genops_approvers" {
  type        = string
  description = "Comma-separated Airflow user ids who approve a tuned model before genops_pipeline serves it (GENOPS_APPROVERS, Airflow 3.1+); \"\" (default): serving is approved automatically once the gates pass."
  default     = ""

  validation {
    condition     = can(regex("^[^\\s,]*(,\\s*[^\\s,]+)*$", var.genops_approvers))
    error_message = "genops_approvers must be \"\" or Airflow user ids separated by commas, none with spaces inside, e.g. \"ada,grace\"."
  }
}

variable "genops_batch_min_examples" {
  type        = number
  description = "With genops_eval_mode = auto: the smallest evaluation set answered by a batch prediction job (GENOPS_BATCH_MIN_EXAMPLES)."
  default     = 500

  validation {
    condition     = var.genops_batch_min_examples >= 1 && floor(var.genops_batch_min_examples) == var.genops_batch_min_examples
    error_message = "genops_batch_min_examples must be a whole number of at least 1, e.g. 500."
  }
}

variable "genops_canary_baseline" {
  type        = string
  description = "JSON object of baseline mean score per metric the canary compares GENOPS_FLASH_MODEL with while no approval has recorded one (GENOPS_CANARY_BASELINE); \"\" (default): nothing is compared until a model is approved."
  default     = ""

  validation {
    condition     = var.genops_canary_baseline == "" || can(keys(jsondecode(var.genops_canary_baseline)))
    error_message = "genops_canary_baseline must be \"\" or a JSON object of metric -> score, e.g. {\"rouge_l_sum\": 0.3}."
  }

  validation {
    condition     = var.genops_canary_baseline == "" || alltrue([for metric in try(keys(jsondecode(var.genops_canary_baseline)), []) : contains(keys(local.metric_ranges), metric)])
    error_message = "genops_canary_baseline names an unknown metric; use only: ${join(", ", sort(keys(local.metric_ranges)))}."
  }
}

variable "genops_canary_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the canary_evaluation DAG (GENOPS_CANARY_SCHEDULE)."
  default     = "0 6 * * *"

  validation {
    condition     = length(split(" ", trimspace(var.genops_canary_schedule))) == 5
    error_message = "genops_canary_schedule must be a five-field cron expression, e.g. \"0 6 * * *\"."
  }
}

variable "genops_comparison_metric" {
  type        = string
  description = "Metric that picks the best configuration in the model_comparison DAG (GENOPS_COMPARISON_METRIC)."
  default     = "summarization_quality"

  validation {
    condition     = contains(keys(local.metric_ranges), var.genops_comparison_metric)
    error_message = "genops_comparison_metric must be one of: ${join(", ", sort(keys(local.metric_ranges)))}."
  }
}

variable "genops_eval_concurrency" {
  type        = number
  description = "Evaluation requests to Gemini in flight at once, 1 to 64 (GENOPS_EVAL_CONCURRENCY)."
  default     = 16

  validation {
    condition     = var.genops_eval_concurrency >= 1 && var.genops_eval_concurrency <= 64 && floor(var.genops_eval_concurrency) == var.genops_eval_concurrency
    error_message = "genops_eval_concurrency must be a whole number from 1 to 64, e.g. 16."
  }
}

variable "genops_eval_mode" {
  type        = string
  description = "How evaluations generate their answers: online, batch (a Vertex AI batch prediction job at the batch price) or auto (batch from genops_batch_min_examples examples) (GENOPS_EVAL_MODE)."
  default     = "auto"

  validation {
    condition     = contains(["online", "batch", "auto"], var.genops_eval_mode)
    error_message = "genops_eval_mode must be one of: online, batch, auto."
  }
}

variable "genops_eval_thresholds" {
  type        = map(number)
  description = "Lowest mean score per metric that promotes a model (GENOPS_EVAL_THRESHOLDS, JSON-encoded). Metric names and ranges as in dags/genops/core/config.py METRIC_RANGES."
  default = {
    groundedness          = 0.7
    rouge_l_sum           = 0.2
    summarization_quality = 3.0
  }

  validation {
    condition     = length(var.genops_eval_thresholds) > 0
    error_message = "genops_eval_thresholds must name at least one metric, e.g. { rouge_l_sum = 0.2 }."
  }

  validation {
    condition     = alltrue([for metric in keys(var.genops_eval_thresholds) : contains(keys(local.metric_ranges), metric)])
    error_message = "genops_eval_thresholds names an unknown metric; use only: ${join(", ", sort(keys(local.metric_ranges)))}."
  }

  validation {
    condition = alltrue([
      for metric, score in var.genops_eval_thresholds :
      try(score >= local.metric_ranges[metric][0] && score <= local.metric_ranges[metric][1], false)
    ])
    error_message = "Each genops_eval_thresholds value must lie in its metric's range: ${join(", ", [for m, r in local.metric_ranges : "${m} ${r[0]}..${r[1]}"])}."
  }
}

variable "genops_experiment_name" {
  type        = string
  description = "Vertex AI experiment that records evaluation runs (GENOPS_EXPERIMENT_NAME)."
  default     = "genops-eval"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,127}$", var.genops_experiment_name))
    error_message = "genops_experiment_name must be 1 to 128 lowercase letters, digits or hyphens, starting with a letter or digit (a Vertex AI experiment id), e.g. \"genops-eval\"."
  }
}

variable "genops_flash_model" {
  type        = string
  description = "Gemini model used as the 'flash' configuration (GENOPS_FLASH_MODEL)."
  default     = "gemini-3.8-flash" # the model table's default (dags/genops/models/models.json)

  validation {
    condition     = can(regex("^\\S+$", var.genops_flash_model))
    error_message = "genops_flash_model must be a model name without spaces."
  }

  validation {
    condition     = !contains(keys(local.retired_models), var.genops_flash_model)
    error_message = "genops_flash_model = \"${var.genops_flash_model}\" was retired on ${try(local.retired_models[var.genops_flash_model].retires, "")} (dags/genops/models/models.json); set it to ${try(join(" or ", local.retired_models[var.genops_flash_model].replacements), "")}."
  }
}

variable "genops_pro_model" {
  type        = string
  description = "Gemini model used as the 'pro' configuration (GENOPS_PRO_MODEL)."
  default     = "gemini-4-argon" # the model table's default (dags/genops/models/models.json)

  validation {
    condition     = can(regex("^\\S+$", var.genops_pro_model))
    error_message = "genops_pro_model must be a model name without spaces."
  }

  validation {
    condition     = !contains(keys(local.retired_models), var.genops_pro_model)
    error_message = "genops_pro_model = \"${var.genops_pro_model}\" was retired on ${try(local.retired_models[var.genops_pro_model].retires, "")} (dags/genops/models/models.json); set it to ${try(join(" or ", local.retired_models[var.genops_pro_model].replacements), "")}."
  }
}

variable "genops_regression_tolerance" {
  type        = number
  description = "Largest drop of a metric below its baseline the canary accepts, as a fraction of the metric's range (GENOPS_REGRESSION_TOLERANCE), 0 to 1."
  default     = 0.05

  validation {
    condition     = var.genops_regression_tolerance >= 0 && var.genops_regression_tolerance <= 1
    error_message = "genops_regression_tolerance must be a number from 0 to 1, e.g. 0.05."
  }
}

variable "genops_reports_prefix" {
  type        = string
  description = "Object prefix of evaluation reports in the data bucket (GENOPS_REPORTS_PREFIX); also the prefix the NEARLINE lifecycle rule matches."
  default     = "reports"

  validation {
    condition     = can(regex("^[^/\\s]([^\\s]*[^/\\s])?$", var.genops_reports_prefix))
    error_message = "genops_reports_prefix must be an object prefix such as \"reports\": not empty, no leading or trailing slash, no spaces."
  }
}

variable "genops_token_budget" {
  type        = number
  description = "Largest prompt, in tokens, a budget gate lets through (GENOPS_TOKEN_BUDGET)."
  default     = 2048

  validation {
    condition     = var.genops_token_budget >= 1 && floor(var.genops_token_budget) == var.genops_token_budget
    error_message = "genops_token_budget must be a positive whole number of tokens, e.g. 2048."
  }
}

variable "genops_training_data_object" {
  type        = string
  description = "Object path of the tuning JSONL in the data bucket (GENOPS_TRAINING_DATA_OBJECT), without gs:// or bucket."
  default     = "training/sft_train.jsonl"

  validation {
    condition     = can(regex("^[^/\\s][^\\s]*[^/]$", var.genops_training_data_object)) && !startswith(var.genops_training_data_object, "gs://")
    error_message = "genops_training_data_object must be an object path inside the data bucket such as \"training/sft_train.jsonl\": no gs://, no leading or trailing slash, no spaces."
  }
}

variable "genops_tuned_model_display_name" {
  type        = string
  description = "Display name given to tuned models (GENOPS_TUNED_MODEL_DISPLAY_NAME)."
  default     = "genops-tuned"

  validation {
    condition     = length(trimspace(var.genops_tuned_model_display_name)) > 0 && length(var.genops_tuned_model_display_name) <= 128
    error_message = "genops_tuned_model_display_name must be 1 to 128 characters, not blank."
  }
}

variable "genops_tuning_source_model" {
  type        = string
  description = "Base model for supervised fine-tuning (GENOPS_TUNING_SOURCE_MODEL)."
  default     = "gemini-3.5-flash-lite" # the model table's default (dags/genops/models/models.json)

  validation {
    condition     = can(regex("^\\S+$", var.genops_tuning_source_model))
    error_message = "genops_tuning_source_model must be a model name without spaces."
  }

  validation {
    condition     = !contains(keys(local.retired_models), var.genops_tuning_source_model)
    error_message = "genops_tuning_source_model = \"${var.genops_tuning_source_model}\" was retired on ${try(local.retired_models[var.genops_tuning_source_model].retires, "")} (dags/genops/models/models.json); set it to ${try(join(" or ", local.retired_models[var.genops_tuning_source_model].replacements), "")}."
  }
}
