# An image checked against the SHA512SUMS file its publisher lists beside it:
# checksum_from_sums picks the file's line and returns "sha512:<hex>", which
# the provider checks while it streams the image. The file is read here from
# a copy next to the configuration; data.http.<name>.response_body (the
# hashicorp/http provider) reads it straight from the publisher.
variable "debian_url" {
  description = "URL of the image, whose name SHA512SUMS lists."
  type        = string
  default     = "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.raw"
}

resource "cloudimages_image" "debian" {
  name             = "debian-13"
  source_url       = var.debian_url
  disk_format      = "raw"
  container_format = "bare"
  expected_hash = provider::cloudimages::checksum_from_sums(
    file("${path.module}/SHA512SUMS"),
    basename(var.debian_url),
  )
}
