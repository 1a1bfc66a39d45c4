# By image id, for the provider's own tenant...
terraform import cloudimages_image_member_status.golden 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77
# ...or as image_id/member_id.
terraform import cloudimages_image_member_status.golden 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002
