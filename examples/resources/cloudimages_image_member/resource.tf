# The producer shares an image with another tenant. The image must be
# shared (on Rackspace, private images can be shared too).
resource "cloudimages_image" "golden" {
  name        = "golden"
  import_from = "images/golden.vhd"
  visibility  = "shared"
}

resource "cloudimages_image_member" "team_b" {
  image_id  = cloudimages_image.golden.id
  member_id = "100002" # the consumer's tenant id (account number)
}

# pending until the consumer accepts it with cloudimages_image_member_status.
output "share_status" {
  value = cloudimages_image_member.team_b.status
}
