terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

# One provider block for every region; credentials from OS_USERNAME and
# OS_API_KEY.
provider "cloudimages" {
  region = "DFW"
}

# The golden image, built once in the provider's region.
resource "cloudimages_image" "golden" {
  name             = "debian-13-golden"
  file             = "${path.module}/debian-13.qcow2"
  disk_format      = "qcow2"
  container_format = "bare"
  min_disk         = 10
  tags             = ["golden", "debian"]

  properties = {
    os_distro = "debian"
  }
}

variable "regions" {
  description = "Regions to publish the golden image to, besides the provider's."
  type        = set(string)
  default     = ["ORD", "IAD", "LON", "SYD", "HKG"]
}

# One copy per region, from the same provider block. The data goes from
# region to region through the provider (on Rackspace, through Cloud Files),
# checked by its hashes; formats, min_disk, tags and properties are the
# golden image's unless set here.
resource "cloudimages_image" "published" {
  for_each = var.regions

  name   = cloudimages_image.golden.name
  region = each.key

  copy_from = {
    image_id = cloudimages_image.golden.id
    region   = cloudimages_image.golden.region
  }
}

output "image_ids" {
  description = "The golden image's id in each region."
  value = merge(
    { (cloudimages_image.golden.region) = cloudimages_image.golden.id },
    { for region, image in cloudimages_image.published : region => image.id },
  )
}
