# The consumer accepts an image shared with it, with its own credentials.
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
  type = string
}

resource "cloudimages_image_member_status" "golden" {
  provider = cloudimages.consumer
  image_id = var.shared_image_id
  status   = "accepted"
}
