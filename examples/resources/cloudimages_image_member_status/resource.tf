# The consumer accepts an image shared with it, with its own credentials:
# a second provider configuration, here in the consumer's own configuration.
terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

provider "cloudimages" {
  alias    = "consumer"
  username = "team-b"
  api_key  = var.team_b_api_key
}

variable "team_b_api_key" {
  type      = string
  sensitive = true
}

variable "shared_image_id" {
  type        = string
  description = "The image the producer shared with team-b's tenant."
}

resource "cloudimages_image_member_status" "golden" {
  provider = cloudimages.consumer
  image_id = var.shared_image_id
  status   = "accepted"
}

# Once accepted, the image appears in the consumer's image lists.
data "cloudimages_images" "shared_with_team_b" {
  provider   = cloudimages.consumer
  visibility = "shared"
  depends_on = [cloudimages_image_member_status.golden]
}

output "golden_image_listed" {
  value = contains(data.cloudimages_images.shared_with_team_b.ids, var.shared_image_id)
}
