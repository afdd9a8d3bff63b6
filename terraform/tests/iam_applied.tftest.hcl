# Applies the blueprint on mocked providers so that scripts/iam/applied.py can read every IAM resource it
# creates from the resulting state (`terraform test -verbose -json`): the grants the IAM proof and the local
# permission-checking front work from. Its assertions only keep the runs honest; the proof is in Python.

mock_provider "google" {
  source = "./tests/mocks"
}

mock_provider "google-beta" {
  source = "./tests/mocks-beta"
}

mock_provider "time" {}

run "defaults" {
  command = apply

  assert {
    condition     = length(output.iam_grants) > 0
    error_message = "The blueprint makes IAM grants."
  }
}

run "search_grounding" {
  command = apply

  variables {
    genops_search_data_store = "projects/acme-genops-dev/locations/global/collections/default_collection/dataStores/handbook"
  }

  assert {
    condition     = length(output.iam_grants) > 0
    error_message = "The blueprint makes IAM grants."
  }
}
