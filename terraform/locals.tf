locals {
  prefix = "${var.name}-${var.environment}"

  # Common labels win over var.labels so resources can always be traced back to this blueprint.
  labels = merge(var.labels, {
    app         = "genops"
    environment = var.environment
    managed_by  = "terraform"
  })

  # Score range of each metric a threshold may name: dags/genops/config.py METRIC_RANGES
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
}
