// Package image is the cloudimages_image resource and the cloudimages_image
// and cloudimages_images data sources.
//
// The resource's files, one job each: schema.go (attributes), plan.go
// (ValidateConfig, ModifyPlan), create.go (the create paths, one per data
// source: import task, web-download, upload, none), resume.go (finishing a
// create, now or in the next apply after an interruption), resource.go
// (Read, Update, Delete, import), patch.go (metadata as JSON patch),
// sources.go (where the data comes from, and its hash checks),
// filedigest.go (the file's hash, cached with its size and mtime),
// attributes.go and model.go (the one conversion from the API's image).
package image
