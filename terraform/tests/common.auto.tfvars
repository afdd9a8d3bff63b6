# Inputs every test run starts from (a run's own variables override them).
project_id        = "acme-genops-dev"
github_owner      = "acme"
github_repository = "genops"
