# members.tfquery.hcl: who an image is shared with, as the producer sees it.
# `terraform query -generate-config-out=members.tf` writes a
# cloudimages_image_member and an import block for each share.
list "cloudimages_image_member" "golden" {
  provider = cloudimages

  config {
    image_id = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
  }
}
