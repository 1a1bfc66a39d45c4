terraform {
  required_providers {
    cloudimages = {
      source = "cloudimages/cloudimages"
    }
  }
}

# Rackspace: a user name and API key; the region defaults to the user's own.
provider "cloudimages" {
  username = "my-user"
  api_key  = var.rackspace_api_key
  region   = "DFW"
}

variable "rackspace_api_key" {
  type      = string
  sensitive = true
}
