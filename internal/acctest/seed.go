package acctest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/tasks"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// SeedImage describes an image that a test puts in the mock before
// Terraform runs, through the API as another tool would.
type SeedImage struct {
	// ID is the image's id; "" lets the server choose one. Image creates
	// accept a client-supplied id, so a test can make the very image a
	// documentation example names.
	ID         string
	Name       string
	Visibility string // "" → the server's default (private)
	Tags       []string
	Properties map[string]string
	// File is uploaded when set, and the image waited for until active.
	File *ImageFile
}

// CreateSeedImage creates img as acct with gophercloud (not the provider)
// and returns its id.
func CreateSeedImage(t *testing.T, srv *mockserver.Server, acct mockserver.Account, img SeedImage) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sc := imageServiceClient(t, srv, acct)
	opts := images.CreateOpts{
		ID: img.ID, Name: img.Name, DiskFormat: "raw", ContainerFormat: "bare",
		Tags: img.Tags, Properties: img.Properties,
	}
	if img.Visibility != "" {
		v := images.ImageVisibility(img.Visibility)
		opts.Visibility = &v
	}
	created, err := images.Create(ctx, sc, opts).Extract()
	if err != nil {
		t.Fatalf("seed image %q: %v", img.Name, err)
	}
	if img.File == nil {
		return created.ID
	}
	f, err := os.Open(img.File.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := imagedata.Upload(ctx, sc, created.ID, f).ExtractErr(); err != nil {
		t.Fatalf("seed image %q: upload: %v", img.Name, err)
	}
	waitFor(ctx, t, "image "+created.ID+" to become active", func() bool {
		rec, ok := srv.Image(created.ID)
		return ok && rec.Status == "active"
	})
	return created.ID
}

// CreateImageOutOfBand creates an active, private raw image from file as
// acct, as someone working without Terraform would; it returns its id.
func CreateImageOutOfBand(t *testing.T, srv *mockserver.Server, acct mockserver.Account, name string, file ImageFile) string {
	t.Helper()
	return CreateSeedImage(t, srv, acct, SeedImage{Name: name, Visibility: "private", File: &file})
}

// ShareSeedImage adds memberID to the members of imageID, as its owner.
func ShareSeedImage(t *testing.T, srv *mockserver.Server, owner mockserver.Account, imageID, memberID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := members.Create(ctx, imageServiceClient(t, srv, owner), imageID, memberID).Err; err != nil {
		t.Fatalf("share image %s with %s: %v", imageID, memberID, err)
	}
}

// SeedVHD puts a fixed VHD with size bytes of data at container/object in
// the tenant's object store, creating the container if needed.
func SeedVHD(t *testing.T, srv *mockserver.Server, tenantID, container, object string, size int64) {
	t.Helper()
	if err := srv.CreateContainer(tenantID, container); err != nil {
		t.Fatalf("create container %s: %v", container, err)
	}
	pr, pw := io.Pipe()
	go func() { _ = pw.CloseWithError(mockserver.WriteFixedVHD(pw, size)) }()
	err := srv.PutObject(tenantID, container, object, pr)
	_ = pr.Close() // ends the writer should PutObject have stopped reading early
	if err != nil {
		t.Fatalf("put %s/%s: %v", container, object, err)
	}
}

// RunSeedExportTask exports imageID to container with an export task
// started as acct, as a pipeline outside Terraform would, waits for it to
// succeed, and returns the task's id.
func RunSeedExportTask(t *testing.T, srv *mockserver.Server, acct mockserver.Account, imageID, container string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	task, err := tasks.Create(ctx, imageServiceClient(t, srv, acct), tasks.CreateOpts{
		Type:  "export",
		Input: map[string]any{"image_uuid": imageID, "receiving_swift_container": container},
	}).Extract()
	if err != nil {
		t.Fatalf("start the export of %s: %v", imageID, err)
	}
	waitFor(ctx, t, "task "+task.ID+" to succeed", func() bool {
		rec, ok := srv.Task(task.ID)
		if ok && rec.Status == "failure" {
			t.Fatalf("export task %s failed: %s", task.ID, rec.Message)
		}
		return ok && rec.Status == "success"
	})
	return task.ID
}

// RunSeedImportTask imports container/object as an image named name with
// an import task started as acct, as a pipeline outside Terraform would,
// waits for it to succeed, and returns the task's and the image's ids.
func RunSeedImportTask(t *testing.T, srv *mockserver.Server, acct mockserver.Account, name, from string) (taskID, imageID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	task, err := tasks.Create(ctx, imageServiceClient(t, srv, acct), tasks.CreateOpts{
		Type:  "import",
		Input: map[string]any{"image_properties": map[string]any{"name": name}, "import_from": from},
	}).Extract()
	if err != nil {
		t.Fatalf("start the import of %s: %v", from, err)
	}
	var rec mockserver.TaskRecord
	waitFor(ctx, t, "task "+task.ID+" to succeed", func() bool {
		var ok bool
		rec, ok = srv.Task(task.ID)
		if ok && rec.Status == "failure" {
			t.Fatalf("import task %s failed: %s", task.ID, rec.Message)
		}
		return ok && rec.Status == "success"
	})
	id, _ := rec.Result["image_id"].(string)
	if id == "" {
		t.Fatalf("import task %s succeeded without an image id: %v", task.ID, rec.Result)
	}
	return task.ID, id
}

// imageServiceClient is a gophercloud client of the mock's image API with a
// token of acct's tenant.
func imageServiceClient(t *testing.T, srv *mockserver.Server, acct mockserver.Account) *gophercloud.ServiceClient {
	t.Helper()
	pc := &gophercloud.ProviderClient{HTTPClient: mockHTTPClient(t, srv)}
	pc.SetToken(srv.IssueToken(acct.TenantID))
	base := srv.ImageURL() + "/"
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base, Type: "image"}
}

// waitFor polls done until it holds or ctx ends, which fails the test.
func waitFor(ctx context.Context, t *testing.T, what string, done func() bool) {
	t.Helper()
	for !done() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// mockHTTPClient trusts the mock's CA when it serves TLS.
func mockHTTPClient(t *testing.T, srv *mockserver.Server) http.Client {
	t.Helper()
	if srv.CAFile() == "" {
		return http.Client{}
	}
	pem, err := os.ReadFile(srv.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", srv.CAFile())
	}
	return http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}
