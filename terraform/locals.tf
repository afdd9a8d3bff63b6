locals {
  prefix = "${var.name}-${var.environment}"

  # The Gemini model table the DAGs read (one file for every model fact): the models retired by the day of
  # the plan refuse a genops_*_model value, naming the replacement.
  model_table = jsondecode(file("${path.module}/../dags/genops/models/models.json"))
  retired_models = {
    for id, model in local.model_table.models : id => model
    if model.retires != null && timecmp("${model.retires}T00:00:00Z", plantimestamp()) <= 0
  }

  # Common labels win over var.labels so resources can always be traced back to this blueprint.
  labels = merge(var.labels, {
    app         = "genops"
    environment = var.environment
    managed_by  = "terraform"
  })

  # Score range of each metric a threshold may name: dags/genops/core/config.py METRIC_RANGES
  # (tests/terraform/test_genops_contract.py keeps the two equal).
  metric_ranges = {
    summarization_quality = [1.0, 5.0]
    groundedness          = [0.0, 1.0]
    verbosity             = [-2.0, 2.0]
    instruction_following = [1.0, 5.0]
    exact_match           = [0.0, 1.0]
    bleu                  = [0.0, 1.0]
    rouge_1               = [0.0, 1.0]
    rouge_2               = [0.0, 1.0]
    rouge_l_sum           = [0.0, 1.0]
  }

  # The one schema file the DAGs also read, so the table and the rows written to it cannot drift.
  evaluations_schema = file("${path.module}/../dags/genops/schemas/model_evaluations.json")

  # Tables of the sample DAGs (dags/samples), each defined by the schema file its DAG validates rows with.
  sample_tables = {
    customer_feedback = {
      table_id        = var.genops_feedback_table
      description     = "customer_service_feedback sample: one scored customer service transcript per row."
      schema          = file("${path.module}/../dags/genops/schemas/customer_feedback.json")
      partition_field = "scored_at"
      clustering      = ["sentiment"]
    }
    video_scenes = {
      table_id        = var.genops_video_scenes_table
      description     = "mp4_summary sample: the scenes Gemini extracted from a video, one per row."
      schema          = file("${path.module}/../dags/genops/schemas/video_scenes.json")
      partition_field = "extracted_at"
      clustering      = ["video_uri"]
    }
  }

  # The Discovery Engine API only when grounded_gemini has a Vertex AI Search data store to search.
  sample_services = var.genops_search_data_store == "" ? [] : ["discoveryengine.googleapis.com"]
}

locals {
  # With CMEK, the service agents Google's Composer 3 CMEK page
  # (https://cloud.google.com/composer/docs/composer-3/configure-cmek-encryption, "Grant roles to service
  # agents") lists besides Composer's and Cloud Storage's, by short name => API; modules/project_services
  # enables the APIs and creates the agents, modules/cmek grants them (and the Storage and BigQuery agents)
  # the key. tests/terraform/test_platform.py keeps this list equal to the page's.
  cmek_service_agents = var.kms_key_name == null ? {} : {
    artifactregistry = "artifactregistry.googleapis.com"
    compute          = "compute.googleapis.com"
    container        = "container.googleapis.com"
    pubsub           = "pubsub.googleapis.com"
  }
}
