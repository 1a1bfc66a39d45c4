# Every active image whose name starts with "debian-", newest first.
data "cloudimages_images" "debian" {
  name_regex = "^debian-"
  status     = "active"
}

output "debian_image_ids" {
  value = data.cloudimages_images.debian.ids
}

# What other tenants shared with this one and it has not accepted yet.
data "cloudimages_images" "offered" {
  visibility    = "shared"
  member_status = "pending"
}
