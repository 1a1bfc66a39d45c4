package mockserver

// The server's endpoints, as clients and tests reach them.

// URL is the server's root, "http://127.0.0.1:PORT" ("https://…" with Options.TLS).
func (s *Server) URL() string { return s.url }

// IdentityV2URL is the identity v2.0 endpoint (with trailing slash, as clients expect).
func (s *Server) IdentityV2URL() string { return s.url + "/identity/v2.0/" }

// IdentityV3URL is the identity v3 endpoint.
func (s *Server) IdentityV3URL() string { return s.url + "/identity/v3/" }

// ImageURL is the versioned image endpoint of the view's region, what the catalog shows
// by default: "…/image/v2" with one region, "…/ORD/image/v2" with several.
func (s *Server) ImageURL() string { return s.regionURL() + "/image/v2" }

// regionURL is the root of the view's region: URL, then "/<region>" with several.
func (s *Server) regionURL() string { return s.url + s.prefix }

// CAFile is the path of the PEM of the CA that signed the server's certificate, for
// clients to trust (OS_CACERT); "" without Options.TLS.
func (s *Server) CAFile() string { return s.caFile }

// catalogImageURL is the image URL the identity catalog advertises: unversioned in the
// glance flavour, ending in /v2 in the rackspace flavour, unless Options.ImageEndpoint
// says otherwise.
func (s *Server) catalogImageURL() string {
	unversioned := !s.rackspace()
	switch s.opts.ImageEndpoint {
	case ImageEndpointVersioned:
		unversioned = false
	case ImageEndpointUnversioned:
		unversioned = true
	}
	if unversioned {
		return s.regionURL() + "/image"
	}
	return s.ImageURL()
}
