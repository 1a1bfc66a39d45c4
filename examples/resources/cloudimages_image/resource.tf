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

# An image straight from a URL: the provider streams the download into the
# upload, decompressing it on the way (xz here, detected from the data) and
# checking the decompressed data against a published hash. Nothing is
# written to local disk.
variable "debian_url" {
  description = "URL of the compressed raw image."
  type        = string
  default     = "https://images.example.com/debian-13-genericcloud-amd64.raw.xz"
}

variable "debian_sha512" {
  description = "sha512 of the decompressed image, as its publisher lists it."
  type        = string
}

resource "cloudimages_image" "from_url" {
  name             = "debian-13-genericcloud"
  source_url       = var.debian_url
  decompress       = true
  expected_hash    = "sha512:${var.debian_sha512}"
  disk_format      = "raw"
  container_format = "bare"
}
