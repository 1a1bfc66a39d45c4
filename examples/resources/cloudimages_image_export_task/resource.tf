# Export an image to Cloud Files: it is written to exports/<image id>.vhd.
resource "cloudimages_image_export_task" "backup" {
  image_id                  = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
  receiving_swift_container = "exports"
}

output "export_location" {
  value = cloudimages_image_export_task.backup.export_location
}
