# tasks.tfquery.hcl: the import tasks that succeeded in the last 48 hours
# (a pipeline's, say). `terraform query -generate-config-out=imports.tf`
# writes a cloudimages_image_import_task and an import block for each.
list "cloudimages_image_import_task" "done" {
  provider = cloudimages

  config {
    status = "success"
  }
}
