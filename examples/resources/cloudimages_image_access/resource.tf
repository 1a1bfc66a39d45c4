# The producer shares one image with a whole list of tenants. The list is
# authoritative: a member added some other way is removed on the next apply,
# and one removed some other way is added back. Do not also manage this
# image's members with cloudimages_image_member.
variable "consumer_tenants" {
  type        = set(string)
  description = "Every tenant id (account number) the golden image is shared with."
  default     = ["100002", "100003", "100004"]
}

resource "cloudimages_image" "golden" {
  name        = "golden"
  import_from = "images/golden.vhd"
  visibility  = "shared"
}

resource "cloudimages_image_access" "golden" {
  image_id   = cloudimages_image.golden.id
  member_ids = var.consumer_tenants
}

# Each share starts pending until its consumer accepts it with
# cloudimages_image_member_status; the statuses are as of the last refresh.
output "accepted_by" {
  value = sort([for id, m in cloudimages_image_access.golden.members : id if m.status == "accepted"])
}

output "pending" {
  value = sort([for id, m in cloudimages_image_access.golden.members : id if m.status == "pending"])
}
