package mockserver

// routes is the URL layout of the one listener (DESIGN.md "The mock server"). Members,
// tasks and the object store add their templates here.
func (s *Server) routes() *router {
	rt := &router{}
	type m = map[string]handler

	// Identity: version documents are public; tokens are how you get in.
	rt.add(keystoneErrors, false, "/identity", m{"GET": s.identityVersions})
	rt.add(keystoneErrors, false, "/identity/", m{"GET": s.identityVersions})
	rt.add(raxErrors, false, "/identity/v2.0", m{"GET": s.identityVersion("v2.0")})
	rt.add(raxErrors, false, "/identity/v2.0/", m{"GET": s.identityVersion("v2.0")})
	rt.add(raxErrors, false, "/identity/v2.0/tokens", m{"POST": s.v2Tokens})
	rt.add(keystoneErrors, false, "/identity/v3", m{"GET": s.identityVersion("v3")})
	rt.add(keystoneErrors, false, "/identity/v3/", m{"GET": s.identityVersion("v3")})
	rt.add(keystoneErrors, false, "/identity/v3/auth/tokens", m{
		"POST": s.v3CreateToken, "GET": s.v3TokenInfo, "HEAD": s.v3TokenInfo, "DELETE": s.v3TokenInfo,
	})

	// Image version discovery, unauthenticated as in Glance.
	rt.add(glanceErrors, false, "/image", m{"GET": s.imageVersions(300)})
	rt.add(glanceErrors, false, "/image/", m{"GET": s.imageVersions(300)})
	rt.add(glanceErrors, false, "/image/versions", m{"GET": s.imageVersions(200)})
	rt.add(glanceErrors, false, "/image/v2", m{"GET": s.imageV2Version})
	rt.add(glanceErrors, false, "/image/v2/", m{"GET": s.imageV2Version})

	// The Images v2 API; every call needs a token.
	api := func(template string, methods m) { rt.add(glanceErrors, true, "/image/v2"+template, methods) }
	api("/images", m{"GET": s.listImages, "POST": s.createImage})
	api("/images/{image_id}", m{"GET": s.getImage, "PATCH": s.patchImage, "DELETE": s.deleteImage})
	api("/images/{image_id}/file", m{"GET": s.downloadImage, "PUT": s.uploadImage})
	api("/images/{image_id}/tags/{tag}", m{"PUT": s.putTag, "DELETE": s.deleteTag})
	api("/images/{image_id}/actions/deactivate", m{"POST": s.deactivateImage})
	api("/images/{image_id}/actions/reactivate", m{"POST": s.reactivateImage})
	api("/schemas/{schema}", m{"GET": s.getSchema})
	return rt
}
