# shares.tfquery.hcl, with the consumer's provider configuration: the images
# others shared with this tenant that wait for an answer.
#
#   terraform query -generate-config-out=shares.tf
#
# writes a cloudimages_image_member_status (status = "pending") and an import
# block for each; set status = "accepted" (or "rejected") in shares.tf and
# apply.
list "cloudimages_image_member_status" "pending" {
  provider = cloudimages

  config {
    status = "pending"
  }
}
