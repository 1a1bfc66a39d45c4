# Every active image whose name starts with "debian-", newest first.
data "cloudimages_images" "debian" {
  name_regex = "^debian-"
  status     = "active"
}

output "debian_image_ids" {
  value = data.cloudimages_images.debian.ids
}

# What team-b (tenant 100002) shared with this tenant and it has not
# accepted yet. Without owner, visibility = "shared" also lists this
# tenant's own shared images.
data "cloudimages_images" "offered_by_team_b" {
  owner         = "100002"
  visibility    = "shared"
  member_status = "pending"
}

output "offered_by_team_b" {
  value = data.cloudimages_images.offered_by_team_b.ids
}
