# What the sample DAGs (dags/samples) need: their tables, and optional features that stay off until configured.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "sample_tables_and_optional_features_off" {
  command = plan

  assert {
    condition = (
      jsondecode(module.bigquery.sample_tables["customer_feedback"].schema) == jsondecode(file("../dags/genops/schemas/customer_feedback.json")) &&
      jsondecode(module.bigquery.sample_tables["video_scenes"].schema) == jsondecode(file("../dags/genops/schemas/video_scenes.json"))
    )
    error_message = "Each sample table must be defined by the schema file its DAG validates rows with."
  }

  assert {
    condition = (
      module.bigquery.sample_tables["customer_feedback"].partition_field == "scored_at" &&
      module.bigquery.sample_tables["video_scenes"].partition_field == "extracted_at" &&
      alltrue([for t in values(module.bigquery.sample_tables) : t.deletion_protection])
    )
    error_message = "Sample tables are partitioned by their timestamp column and protected from deletion."
  }

  assert {
    condition = (
      output.genops_env_variables["GENOPS_FEEDBACK_TABLE"] == "customer_feedback" &&
      output.genops_env_variables["GENOPS_VIDEO_SCENES_TABLE"] == "video_scenes" &&
      output.genops_env_variables["GENOPS_SAMPLES_PREFIX"] == "samples" &&
      output.genops_env_variables["GENOPS_TRANSLATION_LANGUAGE"] == "Spanish"
    )
    error_message = "The sample settings must name the created tables and default as in dags/genops/core/config.py; got ${jsonencode(output.genops_env_variables)}."
  }

  assert {
    condition = (
      output.genops_env_variables["GENOPS_INSIGHTS_SOURCE_TABLE"] == "" &&
      output.genops_env_variables["GENOPS_SEARCH_DATA_STORE"] == "" &&
      output.genops_env_variables["GENOPS_AIRFLOW_API_URL"] == ""
    )
    error_message = "Optional sample features are off (empty) by default."
  }

  assert {
    condition     = !contains(module.project_services.services, "discoveryengine.googleapis.com") && length([for g in output.iam_grants : g if g.role == "roles/discoveryengine.viewer"]) == 0
    error_message = "Without a data store, neither the Discovery Engine API nor its role may be added."
  }
}

run "search_data_store_enables_the_api_and_the_role" {
  variables {
    genops_search_data_store     = "projects/acme-genops-dev/locations/global/collections/default_collection/dataStores/handbook"
    genops_insights_source_table = "bigquery-public-data.austin_bikeshare.bikeshare_trips"
    genops_feedback_table        = "feedback_v2"
  }

  assert {
    condition     = contains(module.project_services.services, "discoveryengine.googleapis.com")
    error_message = "A data store must enable discoveryengine.googleapis.com."
  }

  assert {
    condition = [
      for g in output.iam_grants : "${g.scope}:${g.member}" if g.role == "roles/discoveryengine.viewer"
    ] == ["project:serviceAccount:genops-dev-composer@acme-genops-dev.iam.gserviceaccount.com"]
    error_message = "A data store must give the Composer account (only) roles/discoveryengine.viewer."
  }

  assert {
    condition = (
      output.genops_env_variables["GENOPS_SEARCH_DATA_STORE"] == var.genops_search_data_store &&
      output.genops_env_variables["GENOPS_INSIGHTS_SOURCE_TABLE"] == var.genops_insights_source_table &&
      output.genops_env_variables["GENOPS_FEEDBACK_TABLE"] == "feedback_v2" &&
      output.bigquery_sample_tables["customer_feedback"] == "acme-genops-dev.genops.feedback_v2"
    )
    error_message = "The data store, source table and feedback table must reach Composer and the created table."
  }
}

run "sample_inputs_are_validated" {
  command = plan

  variables {
    genops_samples_prefix        = "/samples/"
    genops_feedback_table        = "customer-feedback"
    genops_video_scenes_table    = "video scenes"
    genops_insights_source_table = "austin_bikeshare.bikeshare_trips"
    genops_search_data_store     = "handbook"
    genops_airflow_api_url       = "http://airflow.example.com"
    genops_translation_language  = " "
  }

  expect_failures = [
    var.genops_samples_prefix, var.genops_feedback_table, var.genops_video_scenes_table,
    var.genops_insights_source_table, var.genops_search_data_store, var.genops_airflow_api_url,
    var.genops_translation_language,
  ]
}
