import {
  to = cloudimages_image.debian
  identity = {
    id = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
  }
}
