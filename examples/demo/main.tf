# The demo that `make demo` applies against the bundled mock server: an image
# uploaded from a file (glance flavour only), an image imported from the
# object store, shared with the consumer account and accepted there, then
# exported back.
#
# The default provider is the producer; it reads OS_AUTH_URL, OS_USERNAME and
# OS_API_KEY. The consumer is the mock's second built-in account.
terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

variable "auth_url" {
  type        = string
  description = "Identity endpoint of the mock server."
  default     = "http://127.0.0.1:8788/identity/v2.0/"
}

variable "upload_file" {
  type        = bool
  description = "Upload demo-disk.img directly (the glance flavour). Rackspace makes images with import tasks only: make demo sets it to false on the rackspace flavour."
  default     = true
}

provider "cloudimages" {}

provider "cloudimages" {
  alias    = "consumer"
  auth_url = var.auth_url
  username = "consumer"
  api_key  = "consumer-key" # the mock's built-in demo account, not a secret
}

# An image with real data: the file is streamed to the service, which
# computes the same checksums the provider computed on the way.
resource "cloudimages_image" "demo" {
  count            = var.upload_file ? 1 : 0
  name             = "demo-image"
  file             = "${path.module}/demo-disk.img"
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["demo"]

  properties = {
    purpose = "make demo"
  }
}

# An image made by an import task from the object store, as on Rackspace:
# the mock seeds images/sample.vhd for the producer.
resource "cloudimages_image" "imported" {
  name        = "demo-imported"
  import_from = "images/sample.vhd"
  visibility  = "shared"
  tags        = ["demo", "imported"]
}

# The producer shares the imported image with the consumer and waits for
# the answer...
resource "cloudimages_image_member" "consumer" {
  image_id        = cloudimages_image.imported.id
  member_id       = "100002"
  wait_for_answer = true
}

# ...which the consumer gives with its own credentials once the share exists
# (image_id from the image, not from the member, which waits for this).
resource "cloudimages_image_member_status" "accepted" {
  provider = cloudimages.consumer
  image_id = cloudimages_image.imported.id
  status   = "accepted"
}

# The imported image exported back to the object store.
resource "cloudimages_image_export_task" "backup" {
  image_id                  = cloudimages_image.imported.id
  receiving_swift_container = "exports"
}

# The consumer now finds the shared image in its own list.
data "cloudimages_images" "consumer_view" {
  provider   = cloudimages.consumer
  tags       = ["imported"]
  depends_on = [cloudimages_image_member_status.accepted]
}

output "image_id" {
  value = one(cloudimages_image.demo[*].id)
}

output "status" {
  value = one(cloudimages_image.demo[*].status)
}

output "size_bytes" {
  value = one(cloudimages_image.demo[*].size)
}

output "md5" {
  value = one(cloudimages_image.demo[*].checksum)
}

output "imported_status" {
  value = cloudimages_image.imported.status
}

output "imported_image_id" {
  value = cloudimages_image.imported.id
}

output "share_status" {
  value = cloudimages_image_member_status.accepted.status
}

output "consumer_sees_shared_image" {
  value = contains(data.cloudimages_images.consumer_view.ids, cloudimages_image.imported.id)
}

output "export_location" {
  value = cloudimages_image_export_task.backup.export_location
}
