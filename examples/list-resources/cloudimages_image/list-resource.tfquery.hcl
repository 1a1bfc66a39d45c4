# images.tfquery.hcl: every golden image of this tenant. `terraform query`
# lists them; `terraform query -generate-config-out=images.tf` writes a
# cloudimages_image and an import block for each, which apply then imports.
list "cloudimages_image" "golden" {
  provider = cloudimages

  config {
    tags       = ["golden"]
    visibility = "shared"
  }
}
