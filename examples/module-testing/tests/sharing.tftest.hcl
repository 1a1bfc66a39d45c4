# `terraform test` against the bundled mock server. Start it (make mock, or
# the cloudimages-mock binary of a release) and point the provider at it:
#
#   export OS_AUTH_URL=http://127.0.0.1:8788/identity/v2.0/
#   export OS_USERNAME=producer OS_API_KEY=producer-key
#   terraform init && terraform test

# The producer, the image's owner: from the OS_* variables.
provider "cloudimages" {}

# The consumer: the mock's second built-in account (a test account, not a
# secret). Its identity endpoint comes from OS_AUTH_URL as well.
provider "cloudimages" {
  alias    = "consumer"
  username = "consumer"
  api_key  = "consumer-key"
}

variables {
  name               = "golden-module-test"
  image_file         = "tests/fixtures/golden.raw"
  consumer_tenant_id = "100002" # the mock's consumer account
}

run "publish_and_share" {
  command = apply

  providers = {
    cloudimages          = cloudimages
    cloudimages.consumer = cloudimages.consumer
  }

  assert {
    condition     = output.status == "active"
    error_message = "The image is not active."
  }

  assert {
    condition     = output.checksum == filemd5(var.image_file)
    error_message = "The checksum the service computed differs from the file's."
  }

  assert {
    condition     = output.share_status == "accepted"
    error_message = "The consumer did not accept the share."
  }
}

# What the consumer sees: the accepted image is in its own image list.
run "consumer_lists_the_image" {
  command = apply

  module {
    source = "./tests/consumer_view"
  }

  providers = {
    cloudimages = cloudimages.consumer
  }

  variables {
    image_id = run.publish_and_share.image_id
  }

  assert {
    condition     = output.listed
    error_message = "The consumer does not list the image it accepted."
  }
}
