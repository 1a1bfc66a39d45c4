# A task started outside Terraform, such as by a nightly pipeline that passes
# its id in (for example with -var or TF_VAR_nightly_import_task_id).
variable "nightly_import_task_id" {
  type        = string
  description = "Id of the import task, such as 0b0d3c1a-2f4e-4d8b-9a61-5c7e2f1b3d90."
}

data "cloudimages_task" "nightly_import" {
  id = var.nightly_import_task_id
}

output "nightly_status" {
  value = data.cloudimages_task.nightly_import.status
}

output "nightly_image_id" {
  value = data.cloudimages_task.nightly_import.image_id
}
