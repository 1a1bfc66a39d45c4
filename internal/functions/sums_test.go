package functions

import (
	"strings"
	"testing"
)

const (
	md5Hex    = "d41d8cd98f00b204e9800998ecf8427e"
	sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

var sha512Hex = strings.Repeat("ab", 64)

func TestChecksumFor(t *testing.T) {
	cases := []struct {
		name, text, file, want, wantErr string
	}{
		{name: "sha256sum text mode", text: sha256Hex + "  debian.qcow2\n" + strings.Repeat("0", 64) + "  other.qcow2\n",
			file: "debian.qcow2", want: "sha256:" + sha256Hex},
		{name: "sha256sum binary mode", text: sha256Hex + " *debian.qcow2\n", file: "debian.qcow2", want: "sha256:" + sha256Hex},
		{name: "upper-case hex, CRLF", text: strings.ToUpper(sha256Hex) + "  debian.qcow2\r\n", file: "debian.qcow2", want: "sha256:" + sha256Hex},
		{name: "path in the entry", text: sha256Hex + "  ./images/debian.qcow2\n", file: "debian.qcow2", want: "sha256:" + sha256Hex},
		{name: "sha512sum", text: sha512Hex + "  debian.raw\n", file: "debian.raw", want: "sha512:" + sha512Hex},
		{name: "md5sum", text: md5Hex + "  debian.raw\n", file: "debian.raw", want: "md5:" + md5Hex},
		{name: "BSD style", text: "SHA256 (Fedora-Cloud.qcow2) = " + sha256Hex + "\n", file: "Fedora-Cloud.qcow2", want: "sha256:" + sha256Hex},
		{name: "Fedora CHECKSUM, clearsigned", text: "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# Fedora-Cloud.qcow2: 123 bytes\n" +
			"SHA256 (Fedora-Cloud.qcow2) = " + sha256Hex + "\n-----BEGIN PGP SIGNATURE-----\n\nwsFzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n",
			file: "Fedora-Cloud.qcow2", want: "sha256:" + sha256Hex},
		{name: "strongest algorithm wins", text: md5Hex + "  d.raw\n" + sha512Hex + "  d.raw\n" + sha256Hex + "  d.raw\n", file: "d.raw", want: "sha512:" + sha512Hex},
		{name: "not listed", text: sha256Hex + "  other.qcow2\n", file: "debian.qcow2", wantErr: `no checksum for "debian.qcow2": the file lists other.qcow2`},
		{name: "two that disagree", text: sha256Hex + "  d.raw\n" + strings.Repeat("1", 64) + "  d.raw\n", file: "d.raw", wantErr: "listed twice with different sha256 digests"},
		{name: "no entries", text: "<html>Not Found</html>", file: "d.raw", wantErr: "holds no checksum entries"},
		{name: "BSD tag that disagrees with the length", text: "SHA512 (d.raw) = " + sha256Hex + "\n", file: "d.raw", wantErr: "holds no checksum entries"},
		{name: "a hash of no known length", text: "abc123  d.raw\n", file: "d.raw", wantErr: "holds no checksum entries"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := checksumFor(c.text, c.file)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.msg, c.wantErr) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
