# A genops_*_model value the model table (dags/genops/models/models.json) lists as retired fails the plan,
# naming the replacement; the table's current defaults plan.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "retired_models_fail_the_plan" {
  command = plan

  variables {
    genops_pro_model           = "gemini-2.5-pro"
    genops_flash_model         = "gemini-2.5-flash"
    genops_tuning_source_model = "gemini-2.5-flash-lite"
  }

  expect_failures = [var.genops_pro_model, var.genops_flash_model, var.genops_tuning_source_model]
}

run "current_defaults_plan" {
  command = plan

  assert {
    condition     = !contains(keys(local.retired_models), var.genops_pro_model) && !contains(keys(local.retired_models), var.genops_flash_model)
    error_message = "the default models must not be retired"
  }

  assert {
    condition     = contains(keys(local.retired_models), "gemini-2.5-flash")
    error_message = "the table's retired models must be known to the plan"
  }
}
