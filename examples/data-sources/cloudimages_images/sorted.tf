# The raw debian images by name, highest first, in the API's sort syntax
# (key:direction pairs separated by commas; the newest first among equal
# names).
data "cloudimages_images" "debian_raw_by_name" {
  name_regex  = "^debian-"
  disk_format = "raw"
  sort        = "name:desc,created_at:desc"
}

output "debian_raw_names" {
  value = data.cloudimages_images.debian_raw_by_name.images[*].name
}
