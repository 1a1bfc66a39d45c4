import {
  to = cloudimages_image_export_task.backup
  identity = {
    id = "0b0d3c1a-2f4e-4d8b-9a61-5c7e2f1b3d90"
  }
}
