# exports.tfquery.hcl: every export task the service still keeps.
list "cloudimages_image_export_task" "all" {
  provider = cloudimages
}
