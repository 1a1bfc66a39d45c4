// Package mockserver is an in-process mock of the Rackspace Cloud Images API (OpenStack
// Glance v2) with the identity services clients need to reach it (Keystone v2.0 with the
// Rackspace API-key extension, and Keystone v3).
//
// Everything is served from one loopback listener:
//
//	/identity/            Keystone version document (300)
//	/identity/v2.0/tokens identity v2.0: password, RAX-KSKEY:apiKeyCredentials, token
//	/identity/v3/auth/tokens identity v3: password, token, application_credential
//	/identity/v3/users/{user_id}/application_credentials Keystone's application credentials
//	/image/               Glance version documents
//	/image/v2/...         the Images v2 API: images, members, tasks, schemas
//	/object/v1/AUTH_<tenant>/... the object store (a Swift subset) tasks import from and export to
//	/_mock/...            the control path: the test knobs below, over HTTP
//	/internal/..., /admin/... the same APIs, as the catalog's internal and admin endpoints
//
// Behaviour follows the team's API reference, REFERENCE.md (codes, messages, status
// machine), so the provider's acceptance tests exercise the same paths a real endpoint
// would. Options.Flavor "rackspace" narrows the API to what Rackspace offers its users. The
// Go API (Image, UpdateImage, Members, SetMemberStatus, Task, PutObject, RequestCount,
// FakeClock, ...) lets tests look behind the API and change things behind Terraform's back.
//
// An upload (PUT .../file) is synchronous, as in Glance: the image is active when the 204
// is sent. Options.Delay only paces what is asynchronous in the real services: the steps
// of an interoperable import and of a task.
//
// # Layout
//
// The files are laid out by area, as routes.go lists the routes: a file's prefix names
// its area, and each area keeps its state in one small store with its own lock, in the
// area's _store.go file (cmd/cloudimages-mock/README.md maps routes to files):
//
//	area          files                           store (file)                         holds
//	identity      identity_*.go                   identityStore (identity_store.go)    tokens, application credentials, token TTL
//	images        images*.go                      imageStore (images_store.go)         images
//	image data    imagedata*.go                   imageStore's                         upload attempt, staged data, import lock: on the image
//	members       members*.go                     memberStore (members_store.go)       members, by image
//	tasks         tasks*.go                       taskStore (tasks_store.go)           tasks
//	object store  objectstore*.go                 objectStore (objectstore_store.go)   containers and objects, by tenant
//	control       control*.go, faults*.go,        faultTable, counterTable, FakeClock  faults, request counters, the clock
//	              counters.go
//	common HTTP   routes.go, http_*.go,           (the interface counts, on Server)    requests by catalog interface
//	              middleware.go
//	the server    server*.go, doc.go              lifecycle; Server.delay (atomic)     pending transitions; SetDelay
//
// A store's fields are touched only by its area's files, inside its lock; another area
// calls the store's methods (with, scan, add, ...). A lock is taken while another is held
// only in the order tasks → images → members: a finishing task stores its image, and
// image visibility, the member_status filter, a delete and the members handlers read or
// drop members with the image locked. Every other lock is a leaf. No lock is held while
// image or object data streams.
//
// The areas are file prefixes of one package rather than sub-packages: their handlers are
// methods of the one Server and share its router, error dialects, clock and lifecycle,
// so a package per area would only export what is private now.
//
// # Interoperable import
//
// The Glance flavour offers Glance's import (REFERENCE §1.11) with the methods
// glance-direct and web-download: GET /image/v2/info/import lists them, as does the
// OpenStack-image-import-methods header of image answers. PUT .../stage keeps data for
// glance-direct (queued → uploading); POST .../import answers 202, and after Delay the
// image is importing (a web-download URI is fetched then, by a plain GET; loopback URIs
// are allowed), after another Delay active. While an import runs the image holds the
// reserved property os_glance_import_task; a failed one sends it back to queued without
// data and with os_glance_failed_import set to the method.
//
// Options.ExtraReadOnlyProperties makes the server add properties to every image, as a
// deployment with more than Glance's base attributes does: they are read-only in the
// image schema (GET /image/v2/schemas/image, which marks readOnly where Glance does) and
// setting them is 403.
//
// # Faults
//
// InjectFault arms a Fault for the next matching requests (by method and a regexp on the
// path). Status answers with an error in the route's own dialect (Retry-After optional),
// Drop closes the connection, Latency delays; none of these process the request. Three
// modes process it and then spoil the answer, to prove a client creates exactly once:
// LoseAnswer closes the connection instead of answering, TruncateBody sends the headers
// with the full Content-Length and half the body, KillUploadAfter cuts a request body
// after that many bytes (an upload then goes back to queued, as an interrupted one does).
// FailTasks makes the next tasks end in failure with a given message; KillImage forces an
// image to killed, e.g. while a client waits for it. ClearFaults disarms them all.
//
// ExpireTokens invalidates every token at once and SetTokenTTL sets the lifetime of the
// next ones, for tests of re-authentication. RequestCount, RequestCounts and ResetCounters
// count requests per route template ("GET /image/v2/images/{image_id}"), faulted ones
// included.
//
// # The control path
//
// The same knobs, for tests in any language, as JSON over HTTP on the same listener. It
// needs no token, and its requests are never counted nor faulted (a fault on every path
// cannot lock a test out):
//
//	GET    /_mock/                        an index of these routes
//	GET    /_mock/faults                  armed faults and task faults, with the answers left (-1: until cleared)
//	POST   /_mock/faults                  {"method","path","status","times","retry_after","latency_ms","drop","lose_answer","truncate_body","kill_upload_after"}
//	DELETE /_mock/faults                  disarm everything, task faults included
//	POST   /_mock/task-faults             {"type","message","times"}
//	POST   /_mock/images/{image_id}/kill  {"reason"}
//	POST   /_mock/tokens/expire           every token issued so far becomes invalid
//	PUT    /_mock/tokens/ttl              {"ttl":"30s"}: lifetime of the tokens issued from now on
//	GET    /_mock/counters                {"GET /image/v2/images/{image_id}": 3, ...}
//	DELETE /_mock/counters                reset the counters
//
// A fault's path is a Go regexp matched against the request path; a bad one, an unknown
// field, or a combination that cannot be honoured (drop with status, lose_answer with
// status, ...) is a 400 that says why. cmd/cloudimages-mock/README.md has curl examples.
//
// # TLS
//
// With Options.TLS the server speaks HTTPS (HTTP/1.1, so faults can still cut
// connections) with a certificate for 127.0.0.1, ::1 and localhost, signed by an ECDSA
// P-256 CA made at Start for this server alone. The CA's PEM is written to Options.CAFile
// (default "ca.pem" in the data dir); CAFile tells where, for clients to trust it.
//
// # Robustness
//
// Whatever a request holds, the answer is a documented code, never a panic and never a
// file outside the data dir: JSON bodies over 1 MiB (identity: 112 KiB, the control path:
// 64 KiB) get 413 in the route's dialect, image and object data is not capped; malformed
// JSON and JSON of the wrong kind are 400s with Glance's, Keystone's or Rackspace's
// messages; names in URLs (image ids, containers, objects, tags) are only ever keys of
// records, never paths, and data files are named by the server; Swift refuses a path
// with a NUL or invalid UTF-8 (412). A handler that panics costs one 500 in the route's
// dialect, logged with its stack.
package mockserver
