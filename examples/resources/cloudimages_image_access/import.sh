# The member list of an image is imported by the image id alone.
terraform import cloudimages_image_access.golden 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77
