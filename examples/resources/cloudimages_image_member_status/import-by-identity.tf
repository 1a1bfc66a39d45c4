# The import uses the resource's provider configuration: the consumer's.
import {
  to = cloudimages_image_member_status.golden
  identity = {
    image_id  = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
    member_id = "100002"
  }
}
