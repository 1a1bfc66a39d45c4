// Package mockserver is an in-process mock of the Rackspace Cloud Images API (OpenStack
// Glance v2) with the identity services clients need to reach it (Keystone v2.0 with the
// Rackspace API-key extension, and Keystone v3).
//
// Everything is served from one loopback listener:
//
//	/identity/            Keystone version document (300)
//	/identity/v2.0/tokens identity v2.0: password, RAX-KSKEY:apiKeyCredentials, token
//	/identity/v3/auth/tokens identity v3: password, token
//	/image/               Glance version documents
//	/image/v2/...         the Images v2 API: images, members, tasks, schemas
//	/object/v1/AUTH_<tenant>/... the object store (a Swift subset) tasks import from and export to
//
// Behaviour follows the team's API reference, REFERENCE.md (codes, messages, status
// machine), so the provider's acceptance tests exercise the same paths a real endpoint
// would. Options.Flavor "rackspace" narrows the API to what Rackspace offers its users. The
// Go API (Image, UpdateImage, Members, SetMemberStatus, Task, PutObject, InjectFault,
// RequestCount, FakeClock, ...) lets tests look behind the API and change things behind
// Terraform's back.
package mockserver
