# The demo that `make demo` applies against the bundled mock server. The
# provider reads its credentials from OS_AUTH_URL, OS_USERNAME and OS_API_KEY.
terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

provider "cloudimages" {}

# An image with real data: the file is streamed to the service, which
# computes the same checksums the provider computed on the way.
resource "cloudimages_image" "demo" {
  name             = "demo-image"
  file             = "${path.module}/demo-disk.img"
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["demo"]

  properties = {
    purpose = "make demo"
  }
}

# The same image found again through a data source.
data "cloudimages_image" "found" {
  name       = cloudimages_image.demo.name
  tags       = ["demo"]
  depends_on = [cloudimages_image.demo]
}

output "image_id" {
  value = cloudimages_image.demo.id
}

output "status" {
  value = cloudimages_image.demo.status
}

output "size_bytes" {
  value = cloudimages_image.demo.size
}

output "md5" {
  value = cloudimages_image.demo.checksum
}

output "found_by_data_source" {
  value = data.cloudimages_image.found.id == cloudimages_image.demo.id
}
