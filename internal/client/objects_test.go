package client

import (
	"crypto/md5" //nolint:gosec // the object store's ETag
	"crypto/sha512"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// A copy between regions whose PUT answer is lost was stored: the client
// finds the object with the md5 of what it sent and does not stream it
// again. A PUT the store never got (the connection dropped first) is sent
// again.
func TestCopyObjectFrom_lostAnswer(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Flavor: "rackspace", Regions: []string{"DFW", "ORD"}})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, Region: "DFW", MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	ord, err := c.ForRegion("ORD")
	if err != nil {
		t.Fatal(err)
	}
	data := strings.Repeat("copied between regions ", 4096)
	if err := srv.InRegion("ORD").CreateContainer(c.TenantID(), "copies"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lost.vhd", "dropped.vhd"} {
		if err := srv.InRegion("ORD").PutObject(c.TenantID(), "copies", name, strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.EnsureContainer(testCtx(t), "copies"); err != nil {
		t.Fatal(err)
	}
	md5sum, sha := md5.Sum([]byte(data)), sha512.Sum512([]byte(data)) //nolint:gosec // the ETag
	const put = "/DFW/object/v1/{account}/{container}/{object...}"
	for _, tc := range []struct {
		object string
		fault  mockserver.Fault
		puts   int
	}{
		{"lost.vhd", mockserver.Fault{LoseAnswer: true}, 1},
		{"dropped.vhd", mockserver.Fault{Drop: true}, 2},
	} {
		srv.ResetCounters()
		tc.fault.Method, tc.fault.Path = "PUT", regexp.MustCompile(`^/DFW/object/v1/[^/]+/copies/`+regexp.QuoteMeta(tc.object)+`$`)
		srv.InjectFault(tc.fault)
		d, err := c.CopyObjectFrom(testCtx(t), ord, "copies", tc.object, false)
		if err != nil {
			t.Fatalf("%s: %v", tc.object, err)
		}
		if d.MD5 != hex.EncodeToString(md5sum[:]) || d.SHA512 != hex.EncodeToString(sha[:]) || d.Size != int64(len(data)) {
			t.Errorf("%s: digest %+v", tc.object, d)
		}
		if n := srv.RequestCount("PUT", put); n != tc.puts {
			t.Errorf("%s: %d PUTs of the object, want %d", tc.object, n, tc.puts)
		}
		if o, ok := srv.InRegion("DFW").Object(c.TenantID(), "copies", tc.object); !ok || o.ETag != d.MD5 {
			t.Errorf("%s: in DFW %+v %v", tc.object, o, ok)
		}
	}
}
