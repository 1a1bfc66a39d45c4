package mockserver_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// TestStockGophercloud_GlanceFlavour drives the glance flavour with gophercloud as a user
// would: the endpoint comes from the catalog (unversioned, as Glance registers it) and
// gophercloud appends its own /v2 — no ResourceBase, no endpoint override.
func TestStockGophercloud_GlanceFlavour(t *testing.T) {
	t.Parallel()
	srv, err := mockserver.Start(mockserver.Options{Accounts: mockserver.DefaultAccounts()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	var producer, consumer mockserver.Account
	for _, a := range mockserver.DefaultAccounts() {
		switch a.Username {
		case "producer":
			producer = a
		case "consumer":
			consumer = a
		}
	}

	for _, identity := range []string{"v2.0", "v3"} {
		t.Run("identity "+identity, func(t *testing.T) {
			imageClient := func(a mockserver.Account) *gophercloud.ServiceClient {
				t.Helper()
				opts := gophercloud.AuthOptions{Username: a.Username, Password: a.Password, TenantName: a.TenantName}
				if identity == "v3" {
					opts.IdentityEndpoint, opts.DomainName = srv.IdentityV3URL(), "Default"
				} else {
					opts.IdentityEndpoint = srv.IdentityV2URL()
				}
				pc, err := openstack.AuthenticatedClient(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{})
				if err != nil {
					t.Fatal(err)
				}
				if want := srv.URL() + "/image/v2/"; sc.ResourceBaseURL() != want {
					t.Fatalf("gophercloud's image base = %q, want %q", sc.ResourceBaseURL(), want)
				}
				return sc
			}
			prod, cons := imageClient(producer), imageClient(consumer)

			// create
			name := "stock-" + identity
			img, err := images.Create(ctx, prod, images.CreateOpts{
				Name: name, DiskFormat: "raw", ContainerFormat: "bare", Tags: []string{"stock"},
			}).Extract()
			if err != nil {
				t.Fatal("create:", err)
			}
			if img.Status != images.ImageStatusQueued || img.Owner != producer.TenantID {
				t.Fatalf("created: status %q owner %q", img.Status, img.Owner)
			}

			// upload: synchronous, active when it returns
			data := bytes.Repeat([]byte("stock gophercloud "), 1000)
			if err := imagedata.Upload(ctx, prod, img.ID, bytes.NewReader(data)).ExtractErr(); err != nil {
				t.Fatal("upload:", err)
			}
			img, err = images.Get(ctx, prod, img.ID).Extract()
			if err != nil {
				t.Fatal("get:", err)
			}
			if img.Status != images.ImageStatusActive || img.SizeBytes != int64(len(data)) {
				t.Fatalf("after upload: status %q size %d", img.Status, img.SizeBytes)
			}

			// download
			rc, err := imagedata.Download(ctx, prod, img.ID).Extract()
			if err != nil {
				t.Fatal("download:", err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal("download:", err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("downloaded %d bytes, uploaded %d (or they differ)", len(got), len(data))
			}

			// list
			pages, err := images.List(prod, images.ListOpts{Name: name}).AllPages(ctx)
			if err != nil {
				t.Fatal("list:", err)
			}
			listed, err := images.ExtractImages(pages)
			if err != nil {
				t.Fatal("list:", err)
			}
			if len(listed) != 1 || listed[0].ID != img.ID {
				t.Fatalf("list by name: %+v", listed)
			}

			// patch
			img, err = images.Update(ctx, prod, img.ID, images.UpdateOpts{
				images.ReplaceImageMinDisk{NewMinDisk: 2},
				images.UpdateVisibility{Visibility: images.ImageVisibilityShared},
				images.UpdateImageProperty{Op: images.AddOp, Name: "os_distro", Value: "debian"},
			}).Extract()
			if err != nil {
				t.Fatal("update:", err)
			}
			if img.MinDiskGigabytes != 2 || img.Visibility != images.ImageVisibilityShared || img.Properties["os_distro"] != "debian" {
				t.Fatalf("after update: min_disk %d visibility %q properties %v", img.MinDiskGigabytes, img.Visibility, img.Properties)
			}

			// share: the owner adds the consumer, the consumer accepts and then sees it
			m, err := members.Create(ctx, prod, img.ID, consumer.TenantID).Extract()
			if err != nil {
				t.Fatal("member create:", err)
			}
			if m.Status != "pending" || m.MemberID != consumer.TenantID {
				t.Fatalf("member: %+v", m)
			}
			m, err = members.Update(ctx, cons, img.ID, consumer.TenantID, members.UpdateOpts{Status: "accepted"}).Extract()
			if err != nil {
				t.Fatal("member accept:", err)
			}
			if m.Status != "accepted" {
				t.Fatalf("member after accept: %+v", m)
			}
			pages, err = images.List(cons, images.ListOpts{Name: name}).AllPages(ctx)
			if err != nil {
				t.Fatal("consumer list:", err)
			}
			if listed, _ = images.ExtractImages(pages); len(listed) != 1 || listed[0].ID != img.ID {
				t.Fatalf("consumer's list after accepting: %+v", listed)
			}

			// delete
			if err := images.Delete(ctx, prod, img.ID).ExtractErr(); err != nil {
				t.Fatal("delete:", err)
			}
			if _, err := images.Get(ctx, prod, img.ID).Extract(); !gophercloud.ResponseCodeIs(err, 404) {
				t.Fatalf("get after delete: %v", err)
			}
		})
	}
	if n := srv.RequestCount("GET", "/image/v2/v2/images"); n != 0 {
		t.Fatalf("gophercloud called /image/v2/v2/images %d times", n)
	}
}

// TestCatalogImageEndpoint_FollowsTheFlavour: the catalog's image URL is unversioned in the
// glance flavour and ends in /v2 in the rackspace flavour; Options.ImageEndpoint overrides.
func TestCatalogImageEndpoint_FollowsTheFlavour(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ flavor, form, want string }{
		{"", "", "/image/"},
		{"glance", mockserver.ImageEndpointVersioned, "/image/v2/"},
		{"rackspace", "", "/image/v2/"},
		{"rackspace", mockserver.ImageEndpointUnversioned, "/image/"},
	} {
		srv, err := mockserver.Start(mockserver.Options{Flavor: tc.flavor, ImageEndpoint: tc.form})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		pc, err := openstack.AuthenticatedClient(context.Background(), gophercloud.AuthOptions{
			IdentityEndpoint: srv.IdentityV2URL(), Username: "producer", Password: "producer-pass", TenantID: "100001",
		})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{})
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.Endpoint; got != srv.URL()+tc.want {
			t.Errorf("flavor %q, ImageEndpoint %q: catalog image URL %q, want %q", tc.flavor, tc.form, got, srv.URL()+tc.want)
		}
	}
	if _, err := mockserver.Start(mockserver.Options{ImageEndpoint: "v2"}); err == nil {
		t.Error("ImageEndpoint \"v2\" accepted")
	}
}
