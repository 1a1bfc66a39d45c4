package mockserver

// routes is the URL layout of the one listener (DESIGN.md "The mock server"). The
// Rackspace flavour leaves out what Rackspace does not offer its users.
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
	// Application credentials, made by their user through Keystone's own API.
	rt.add(keystoneErrors, true, "/identity/v3/users/{user_id}/application_credentials", m{
		"GET": s.listAppCredentials, "HEAD": s.listAppCredentials, "POST": s.createAppCredential,
	})
	rt.add(keystoneErrors, true, "/identity/v3/users/{user_id}/application_credentials/{application_credential_id}", m{
		"GET": s.appCredential, "HEAD": s.appCredential, "DELETE": s.appCredential,
	})

	// Image version discovery, unauthenticated as in Glance.
	rt.add(glanceErrors, false, "/image", m{"GET": s.imageVersions(300)})
	rt.add(glanceErrors, false, "/image/", m{"GET": s.imageVersions(300)})
	rt.add(glanceErrors, false, "/image/versions", m{"GET": s.imageVersions(200)})
	rt.add(glanceErrors, false, "/image/v2", m{"GET": s.imageV2Version})
	rt.add(glanceErrors, false, "/image/v2/", m{"GET": s.imageV2Version})

	// The Images v2 API; every call needs a token.
	api := func(template string, methods m) { rt.add(glanceErrors, true, "/image/v2"+template, methods) }
	if s.rackspace() {
		// Images come from import tasks only (405), there is no /file (404), and
		// deactivation is for Rackspace's admins (403).
		api("/images", m{"GET": s.listImages})
		api("/images/{image_id}/actions/deactivate", m{"POST": s.refuseAction("deactivate")})
		api("/images/{image_id}/actions/reactivate", m{"POST": s.refuseAction("reactivate")})
	} else {
		api("/images", m{"GET": s.listImages, "POST": s.createImage})
		api("/images/{image_id}/file", m{"GET": s.downloadImage, "PUT": s.uploadImage})
		api("/images/{image_id}/actions/deactivate", m{"POST": s.deactivateImage})
		api("/images/{image_id}/actions/reactivate", m{"POST": s.reactivateImage})
		// Interoperable import (REFERENCE §1.11), which Rackspace does not offer (404).
		api("/info/import", m{"GET": s.importInfo})
		api("/images/{image_id}/stage", m{"PUT": s.stageImage})
		api("/images/{image_id}/import", m{"POST": s.importImage})
	}
	api("/images/{image_id}", m{"GET": s.getImage, "PATCH": s.patchImage, "DELETE": s.deleteImage})
	api("/images/{image_id}/tags/{tag}", m{"PUT": s.putTag, "DELETE": s.deleteTag})
	api("/images/{image_id}/members", m{"GET": s.listMembers, "POST": s.createMember})
	api("/images/{image_id}/members/{member_id}", m{
		"GET": s.getMember, "PUT": s.updateMember, "DELETE": s.deleteMember,
	})
	api("/tasks", m{"GET": s.listTasks, "POST": s.createTask})
	api("/tasks/{task_id}", m{"GET": s.getTask, "DELETE": s.deleteTask})
	api("/schemas/{schema}", m{"GET": s.getSchema})

	// The object store (Swift), one account per tenant: "AUTH_<tenant id>".
	obj := func(template string, methods m) { rt.add(swiftErrors, true, "/object/v1/{account}"+template, methods) }
	account := m{"GET": s.getAccount, "HEAD": s.getAccount}
	containerMethods := m{"GET": s.getContainer, "HEAD": s.getContainer, "PUT": s.putContainer, "DELETE": s.deleteContainer}
	obj("", account)
	obj("/", account)
	obj("/{container}", containerMethods)
	obj("/{container}/", containerMethods)
	obj("/{container}/{object...}", m{"GET": s.getObject, "HEAD": s.getObject, "PUT": s.putObject, "DELETE": s.deleteObject})
	return rt
}
