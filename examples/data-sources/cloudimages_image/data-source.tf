# The newest of the images named "debian-13-base" that carry the tag "base".
data "cloudimages_image" "debian" {
  name        = "debian-13-base"
  tags        = ["base"]
  most_recent = true
}

output "debian_image_id" {
  value = data.cloudimages_image.debian.id
}
