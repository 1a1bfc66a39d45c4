# A helper module of the tests: whether an image is in the image list of the
# tenant its provider configuration authenticates as.
terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

variable "image_id" {
  type = string
}

# Images shared with this tenant that it accepted.
data "cloudimages_images" "shared" {
  visibility = "shared"
}

output "listed" {
  value = contains(data.cloudimages_images.shared.ids, var.image_id)
}
