import {
  to = cloudimages_image_access.golden
  identity = {
    image_id = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
  }
}
