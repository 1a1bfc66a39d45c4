# A module that publishes a golden image from a file and shares it with a
# consumer tenant, which accepts it. The producer's side uses the default
# provider configuration; the consumer's acceptance uses the configuration
# passed in as cloudimages.consumer (the consumer's own credentials).
#
# tests/ holds `terraform test` files that run it against the bundled mock
# server; see the guide "Testing modules with the mock".
terraform {
  required_version = ">= 1.7.0"

  required_providers {
    cloudimages = {
      source                = "cloudimages/cloudimages"
      configuration_aliases = [cloudimages.consumer]
    }
  }
}

variable "name" {
  type        = string
  description = "Name of the image."
}

variable "image_file" {
  type        = string
  description = "Path of the raw disk image to upload."
}

variable "consumer_tenant_id" {
  type        = string
  description = "Tenant id (account number) of the consumer to share the image with."
}

resource "cloudimages_image" "golden" {
  name             = var.name
  file             = var.image_file
  disk_format      = "raw"
  container_format = "bare"
  visibility       = "shared"
  tags             = ["golden"]
}

# The producer offers the image to the consumer, and waits for the answer...
resource "cloudimages_image_member" "consumer" {
  image_id        = cloudimages_image.golden.id
  member_id       = var.consumer_tenant_id
  wait_for_answer = true
}

# ...which the consumer gives with its own credentials, as soon as the share
# exists. Its image_id comes from the image, not from the member, which waits
# for it: one apply leaves both sides as the server has them.
resource "cloudimages_image_member_status" "consumer" {
  provider = cloudimages.consumer
  image_id = cloudimages_image.golden.id
  status   = "accepted"
}

output "image_id" {
  value = cloudimages_image.golden.id
}

output "status" {
  value = cloudimages_image.golden.status
}

output "checksum" {
  value = cloudimages_image.golden.checksum
}

output "share_status" {
  value = cloudimages_image_member_status.consumer.status
}
