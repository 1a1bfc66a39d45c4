package mockserver

// imageView is the JSON form of an image (REFERENCE §1.1): custom properties first, then
// the server's extra read-only properties, then every base attribute (null when unset)
// and the links, all relative to the endpoint root.
func (s *Server) imageView(img *image) map[string]any {
	m := make(map[string]any, len(img.Properties)+len(s.extraReadOnly)+22)
	for k, v := range img.Properties {
		m[k] = v
	}
	for k, v := range s.extraReadOnly {
		m[k] = v
	}
	tags := img.Tags
	if tags == nil {
		tags = []string{}
	}
	m["id"] = img.ID
	m["name"] = nullable(img.Name)
	m["status"] = img.Status
	m["visibility"] = img.Visibility
	m["protected"] = img.Protected
	m["os_hidden"] = img.Hidden
	m["owner"] = img.Owner
	m["disk_format"] = nullable(img.DiskFormat)
	m["container_format"] = nullable(img.ContainerFormat)
	m["min_disk"] = img.MinDisk
	m["min_ram"] = img.MinRAM
	m["size"] = nullable(img.Size)
	m["virtual_size"] = nullable(img.VirtualSize)
	m["checksum"] = nullable(img.Checksum)
	m["os_hash_algo"] = nullable(img.OSHashAlgo)
	m["os_hash_value"] = nullable(img.OSHashValue)
	m["tags"] = tags
	m["created_at"] = isoTime(img.CreatedAt)
	m["updated_at"] = isoTime(img.UpdatedAt)
	m["self"] = "/v2/images/" + img.ID
	m["file"] = "/v2/images/" + img.ID + "/file"
	m["schema"] = "/v2/schemas/image"
	return m
}

// nullable turns a nil pointer into JSON null.
func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
