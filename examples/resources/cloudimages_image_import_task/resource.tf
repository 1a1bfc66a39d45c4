# Import a VHD from Cloud Files (container "images", object "debian-13.vhd").
resource "cloudimages_image_import_task" "debian" {
  image_name  = "debian-13"
  import_from = "images/debian-13.vhd"

  # How long to wait for the task to succeed (default 60m).
  timeouts {
    create = "2h"
  }
}

output "imported_image_id" {
  value = cloudimages_image_import_task.debian.image_id
}
