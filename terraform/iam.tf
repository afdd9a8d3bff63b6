# Every role the platform's own identities hold, and on what, in one table: the least-privilege review.
# tests/terraform/test_iam_proof.py reads what these resources apply (a mocked apply's state) and proves that
# each identity holds what the wire tests observed it use (terraform/iam/observed.json) and what
# terraform/iam_needs.yaml lists, and no sensitive permission terraform/iam/accepted.yaml does not accept. Service agents' grants (key, Shared VPC,
# workload identity) live with the resource they are for, in modules/cmek, modules/composer and
# modules/service_accounts.

locals {
  # key => { identity (modules/service_accounts), scope, role ("roles/..." or "custom:<key of custom_roles>"),
  # condition (null or a key of local.conditions) }. Scopes: project; data_bucket; dags_bucket (the
  # Composer environment's bucket); tables (each table the DAGs write, one grant per table).
  identity_grants = merge(local.platform_grants, var.genops_search_data_store == "" ? {} : local.search_grants)
  platform_grants = {
    "composer project composer.worker"  = { identity = "composer", scope = "project", role = "roles/composer.worker", condition = null }
    "composer project aiplatform.user"  = { identity = "composer", scope = "project", role = "roles/aiplatform.user", condition = null }
    "composer project bigquery.jobUser" = { identity = "composer", scope = "project", role = "roles/bigquery.jobUser", condition = null }
    "composer data_bucket objectAdmin"  = { identity = "composer", scope = "data_bucket", role = "roles/storage.objectAdmin", condition = null }
    "composer tables table_writer"      = { identity = "composer", scope = "tables", role = "custom:table_writer", condition = null }
    "deploy project logWriter"          = { identity = "deploy", scope = "project", role = "roles/logging.logWriter", condition = null }
    "deploy project deploy_check"       = { identity = "deploy", scope = "project", role = "custom:deploy_check", condition = null }
    "deploy dags_bucket deploy_dags"    = { identity = "deploy", scope = "dags_bucket", role = "custom:deploy_dags", condition = "dags_prefix" }
    "test project logWriter"            = { identity = "test", scope = "project", role = "roles/logging.logWriter", condition = null }
  }
  # Only with genops_search_data_store: the grounded_gemini sample searches a Vertex AI Search data store
  # (data stores have no IAM of their own).
  search_grants = {
    "composer project discoveryengine.viewer" = { identity = "composer", scope = "project", role = "roles/discoveryengine.viewer", condition = null }
  }

  # Roles no predefined role fits without granting more; each permission is observed in use at the wire
  # (terraform/iam/observed.json) or listed in terraform/iam_needs.yaml.
  custom_roles = {
    deploy_dags = {
      title       = "GenOps DAG deployment"
      description = "gcloud storage rsync of dags/ with deletions (and metadata patches of unchanged files from a fresh checkout), the release marker and the deploy lock: on the Composer bucket, objects limited to dags/ by a condition."
      permissions = ["storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list", "storage.objects.update"]
    }
    deploy_check = {
      title       = "GenOps post-deploy check"
      description = "Reads the environment (config.airflowUri) and calls its Airflow REST API (Composer's API access needs composer.environments.get)."
      permissions = ["composer.environments.get"]
    }
    table_writer = {
      title       = "GenOps table writer"
      description = "Appends rows to one table with load jobs (WRITE_APPEND, CREATE_NEVER) or streaming inserts, and reads it back (the daily spend gate's query); cannot delete, recreate or reshape it."
      permissions = ["bigquery.tables.getData", "bigquery.tables.updateData"]
    }
  }

  # IAM Conditions (https://cloud.google.com/storage/docs/access-control/iam#conditions): object names are
  # projects/_/buckets/<bucket>/objects/<name>. storage.objects.list is checked on the bucket itself, so the
  # bucket resource type must pass too; every object permission then only
  # reaches dags/ (not data/, plugins/ or logs/).
  dags_bucket = split("/", trimprefix(module.composer.dag_gcs_prefix, "gs://"))[0]
  conditions = {
    dags_prefix = {
      title       = "dags-prefix-only"
      description = "The Composer bucket itself and objects under dags/ only."
      expression  = "resource.type == \"storage.googleapis.com/Bucket\" || resource.name.startsWith(\"projects/_/buckets/${local.dags_bucket}/objects/dags/\")"
    }
  }

  buckets = {
    data_bucket = module.storage.data_bucket
    dags_bucket = local.dags_bucket
  }
  role_names = merge(
    { for role in distinct([for g in values(local.identity_grants) : g.role]) : role => role if startswith(role, "roles/") },
    { for k, r in google_project_iam_custom_role.this : "custom:${k}" => r.name },
  )
  table_grants = merge([
    for key, g in local.identity_grants : {
      for table, ref in module.bigquery.tables : "${key} ${table}" => merge(g, ref)
    } if g.scope == "tables"
  ]...)
}

resource "google_project_iam_custom_role" "this" {
  for_each = local.custom_roles

  project     = module.project_services.project_id
  role_id     = replace("${local.prefix}_${each.key}", "-", "_")
  title       = each.value.title
  description = each.value.description
  permissions = each.value.permissions
}

resource "google_project_iam_member" "identities" {
  for_each = { for k, g in local.identity_grants : k => g if g.scope == "project" }

  project = module.project_services.project_id
  role    = local.role_names[each.value.role]
  member  = module.service_accounts.members[each.value.identity]
}

resource "google_storage_bucket_iam_member" "identities" {
  for_each = { for k, g in local.identity_grants : k => g if contains(keys(local.buckets), g.scope) }

  bucket = local.buckets[each.value.scope]
  role   = local.role_names[each.value.role]
  member = module.service_accounts.members[each.value.identity]

  dynamic "condition" {
    for_each = each.value.condition == null ? [] : [local.conditions[each.value.condition]]
    content {
      title       = condition.value.title
      description = condition.value.description
      expression  = condition.value.expression
    }
  }
}

resource "google_bigquery_table_iam_member" "identities" {
  for_each = local.table_grants

  project    = module.project_services.project_id
  dataset_id = each.value.dataset_id
  table_id   = each.value.table_id
  role       = local.role_names[each.value.role]
  member     = module.service_accounts.members[each.value.identity]
}

# Composer checks the environment account's roles (composer.worker) when it creates the environment;
# IAM changes take minutes to propagate (https://cloud.google.com/iam/docs/access-change-propagation), so
# the environment gets the account's email only after its grants and this wait.
resource "time_sleep" "composer_iam" {
  create_duration = "90s"
  triggers = {
    service_account_email = module.service_accounts.emails["composer"]
  }

  depends_on = [google_project_iam_member.identities, module.service_accounts]
}
