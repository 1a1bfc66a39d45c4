package validate

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func check(v validator.String, s string) bool {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, resp)
	return !resp.Diagnostics.HasError()
}

func TestUUID(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77": true, "6F2EE3A1-8D1B-4A3C-9B1E-2F0E6C1D5A77": true,
		"6f2ee3a18d1b4a3c9b1e2f0e6c1d5a77": false, "": false, "not-a-uuid": false,
	} {
		if check(UUID(), s) != ok {
			t.Errorf("UUID(%q) valid = %v, want %v", s, !ok, ok)
		}
	}
}

func TestObjectPath(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"images/debian.vhd": true, "images/dir/debian.vhd": true,
		"images": false, "/debian.vhd": false, "images/": false, "": false,
	} {
		if check(ObjectPath(), s) != ok {
			t.Errorf("ObjectPath(%q) valid = %v, want %v", s, !ok, ok)
		}
	}
}

func TestExportContainer(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{"exports": true, "my-exports_2": true, "a/b": false, "a.b": false, "a?": false} {
		if check(ExportContainer(), s) != ok {
			t.Errorf("ExportContainer(%q) valid = %v, want %v", s, !ok, ok)
		}
	}
}

func TestHTTPURL(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"https://identity.api.rackspacecloud.com/v2.0/": true, "http://127.0.0.1:8788/image/v2": true,
		"identity.example.com": false, "ftp://x/": false, "https://": false, "::nope": false,
	} {
		if check(HTTPURL("https://example.com/"), s) != ok {
			t.Errorf("HTTPURL(%q) valid = %v, want %v", s, !ok, ok)
		}
	}
}

func TestExpectedHash(t *testing.T) {
	t.Parallel()
	md5 := "d41d8cd98f00b204e9800998ecf8427e"
	for s, ok := range map[string]bool{
		"md5:" + md5: true, "MD5:" + md5: false, "md5:" + md5[:31]: false, "sha1:" + md5: false,
		"sha256:" + md5 + md5: true, "sha512:" + md5 + md5 + md5 + md5: true, "sha512:" + md5: false, md5: false,
		"md5:" + md5[:31] + "g": false,
	} {
		if check(ExpectedHash(), s) != ok {
			t.Errorf("ExpectedHash(%q) valid = %v, want %v", s, !ok, ok)
		}
	}
}

func TestRegexp(t *testing.T) {
	for s, ok := range map[string]bool{"^debian-13": true, "a|b": true, "debian-(13": false, "x{2,1}": false} {
		if check(Regexp(), s) != ok {
			t.Errorf("Regexp(%q): valid = %v, want %v", s, !ok, ok)
		}
	}
}
