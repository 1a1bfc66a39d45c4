# A task started outside Terraform, such as by a pipeline.
data "cloudimages_task" "nightly_import" {
  id = "0b0d3c1a-2f4e-4d8b-9a61-5c7e2f1b3d90"
}

output "nightly_image_id" {
  value = data.cloudimages_task.nightly_import.image_id
}
