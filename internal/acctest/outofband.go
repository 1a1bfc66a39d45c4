package acctest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// CreateImageOutOfBand creates an active image as acct with a third-party
// client (gophercloud, not the provider), as someone working without
// Terraform would; it returns the image id.
func CreateImageOutOfBand(t *testing.T, srv *mockserver.Server, acct mockserver.Account, name string, file ImageFile) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc := &gophercloud.ProviderClient{HTTPClient: mockHTTPClient(t, srv)}
	pc.SetToken(srv.IssueToken(acct.TenantID))
	base := srv.ImageURL() + "/"
	sc := &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base, Type: "image"}

	img, err := images.Create(ctx, sc, images.CreateOpts{
		Name: name, DiskFormat: "raw", ContainerFormat: "bare", Visibility: new(images.ImageVisibilityPrivate),
	}).Extract()
	if err != nil {
		t.Fatalf("create image out of band: %v", err)
	}
	f, err := os.Open(file.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := imagedata.Upload(ctx, sc, img.ID, f).ExtractErr(); err != nil {
		t.Fatalf("upload out of band: %v", err)
	}
	for {
		rec, ok := srv.Image(img.ID)
		if ok && rec.Status == "active" {
			return img.ID
		}
		select {
		case <-ctx.Done():
			t.Fatalf("image %s never became active", img.ID)
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
