# Deactivate an image during an incident, without touching any state:
#
#   terraform apply -invoke=action.cloudimages_image_deactivation.incident
variable "image_id" {
  description = "The image to deactivate."
  type        = string
  default     = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
}

action "cloudimages_image_deactivation" "incident" {
  config {
    image_id    = var.image_id
    deactivated = true
  }
}
