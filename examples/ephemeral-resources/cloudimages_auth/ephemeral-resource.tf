# The provider's session, for this run only: here its token reads a private
# Cloud Files object into an image, through write-only headers, so the
# token is in neither the plan nor the state.
ephemeral "cloudimages_auth" "session" {}

variable "object_url" {
  description = "URL of the object in Cloud Files, such as https://storage101.dfw1.clouddrive.com/v1/MossoCloudFS_<id>/images/debian-13.raw."
  type        = string
}

resource "cloudimages_image" "from_cloud_files" {
  name              = "debian-13"
  source_url        = var.object_url
  source_headers_wo = { "X-Auth-Token" = ephemeral.cloudimages_auth.session.token }
  disk_format       = "raw"
  container_format  = "bare"
}
