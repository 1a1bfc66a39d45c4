// Package client is the provider's one way to the Cloud Images API: an
// authenticated gophercloud client per provider instance (auth*.go,
// identity_discovery.go), one transport that retries what is safe to retry
// and logs without secrets (transport.go, retry_policy.go, logging.go), and
// the calls the resources make: images (images.go, images_list.go, upload.go,
// source_url.go, hashing.go), members (members.go), tasks (tasks.go) and the waits for
// their status (waiter.go). It reports facts; the provider layer turns them
// into advice for the user.
package client
