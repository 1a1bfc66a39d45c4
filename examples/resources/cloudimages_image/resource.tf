# An image from a local file: the data is streamed while hashed, and the
# apply waits until the image is active.
resource "cloudimages_image" "debian" {
  name             = "debian-13-base"
  file             = "${path.module}/debian-13.qcow2"
  disk_format      = "qcow2"
  container_format = "bare"
  min_disk         = 10
  min_ram          = 1024
  tags             = ["debian", "base"]

  properties = {
    os_distro  = "debian"
    os_version = "13"
  }

  timeouts {
    create = "60m"
  }
}

# An image made by an import task from Cloud Files (the Rackspace way):
# the metadata is applied once the import is done.
resource "cloudimages_image" "imported" {
  name        = "debian-13-imported"
  import_from = "images/debian-13.vhd"
  tags        = ["debian"]
}
