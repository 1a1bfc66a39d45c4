# A backup to Cloud Files before a risky change, as its own command:
#
#   terraform apply -invoke=action.cloudimages_image_export.backup
#
# or after every change of the image, from the resource's lifecycle:
#
#   lifecycle {
#     action_trigger {
#       events  = [after_update]
#       actions = [action.cloudimages_image_export.backup]
#     }
#   }
variable "image_id" {
  description = "The image to export."
  type        = string
  default     = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
}

action "cloudimages_image_export" "backup" {
  config {
    image_id                  = var.image_id
    receiving_swift_container = "exports"
  }
}
