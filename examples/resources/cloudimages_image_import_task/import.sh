# A task is imported by its id, until it expires (48 hours after it finished).
terraform import cloudimages_image_import_task.debian 0b0d3c1a-2f4e-4d8b-9a61-5c7e2f1b3d90
