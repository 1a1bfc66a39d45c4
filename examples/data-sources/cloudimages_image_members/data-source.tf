# Who an image is shared with, and whether they accepted.
data "cloudimages_image_members" "golden" {
  image_id = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
}

output "accepted_by" {
  value = [for m in data.cloudimages_image_members.golden.members : m.member_id if m.status == "accepted"]
}
