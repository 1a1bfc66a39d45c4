# Shares as a pipeline hands them over ("image_id/member_id"), each managed
# as one cloudimages_image_member (a share that exists already is adopted).
variable "member_ids" {
  description = "Shares to adopt, as image_id/member_id."
  type        = list(string)
  default     = ["6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002"]
}

locals {
  shares = { for id in var.member_ids : id => provider::cloudimages::parse_member_id(id) }
}

resource "cloudimages_image_member" "adopted" {
  for_each  = local.shares
  image_id  = each.value.image_id
  member_id = each.value.member_id
}

output "shared_images" {
  value = distinct([for s in local.shares : s.image_id])
}
