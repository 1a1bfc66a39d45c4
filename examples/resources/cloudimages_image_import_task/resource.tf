# Import a VHD from Cloud Files (container "images", object "debian-13.vhd").
resource "cloudimages_image_import_task" "debian" {
  image_name  = "debian-13"
  import_from = "images/debian-13.vhd"

  timeouts {
    # How long the create waits for the task to succeed (default 60m).
    create = "2h"
    # How long a later apply waits for a task the create stopped waiting
    # for (Ctrl-C, or out of create time), instead of starting another.
    update = "2h"
  }
}

output "imported_image_id" {
  value = cloudimages_image_import_task.debian.image_id
}
