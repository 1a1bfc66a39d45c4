package image

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// The file is hashed once; an unchanged file (same path, size and
// modification time) is never read again, a changed one is.
func TestDigestOf_readsTheFileOnlyWhenItChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(path, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int32
	orig := hashData
	hashData = func(p string, decompress bool) (client.Digest, error) {
		reads.Add(1)
		return orig(p, decompress)
	}
	t.Cleanup(func() { hashData = orig })

	first, err := digestOf(path, false, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := digestOf(path, false, true, &first)
	if err != nil {
		t.Fatal(err)
	}
	if reads.Load() != 1 || again != first {
		t.Fatalf("unchanged file read %d times; digests %+v vs %+v", reads.Load(), again, first)
	}

	// New content of the same size: the modification time gives it away.
	if err := os.WriteFile(path, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	changed, err := digestOf(path, false, true, &first)
	if err != nil {
		t.Fatal(err)
	}
	if reads.Load() != 2 || changed.SHA512 == first.SHA512 {
		t.Fatalf("changed file: reads %d, sha512 unchanged %v", reads.Load(), changed.SHA512 == first.SHA512)
	}

	// Another path is another file, whatever the cache says.
	other := filepath.Join(t.TempDir(), "copy.raw")
	if err := os.WriteFile(other, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	copied, err := digestOf(other, false, true, &changed)
	if err != nil {
		t.Fatal(err)
	}
	if reads.Load() != 3 || copied.SHA512 != changed.SHA512 {
		t.Fatalf("copy: reads %d, same content %v", reads.Load(), copied.SHA512 == changed.SHA512)
	}

	// Read another way (decompressed), the same file is hashed again; a
	// digest without sha256 (an older version's) is completed when needed.
	unpacked, err := digestOf(other, true, false, &copied)
	if err != nil || reads.Load() != 4 || !unpacked.Decompressed {
		t.Fatalf("decompress: reads %d, %+v, %v", reads.Load(), unpacked, err)
	}
	old := unpacked
	old.SHA256 = ""
	if _, err := digestOf(other, true, false, &old); err != nil || reads.Load() != 4 {
		t.Fatalf("sha256 not needed: reads %d, %v", reads.Load(), err)
	}
	if d, err := digestOf(other, true, true, &old); err != nil || reads.Load() != 5 || d.SHA256 == "" {
		t.Fatalf("sha256 needed: reads %d, %+v, %v", reads.Load(), d, err)
	}
}

func TestDigestOf_missingFile(t *testing.T) {
	t.Parallel()
	if _, err := digestOf(filepath.Join(t.TempDir(), "nope"), false, false, nil); err == nil {
		t.Fatal("no error for a missing file")
	}
}

func TestReservedProperty(t *testing.T) {
	t.Parallel()
	for key, reserved := range map[string]bool{
		"os_distro": false, "hw_disk_bus": false, "status": true, "os_hash_value": true, "os_glance_importing": true,
		"location": true, "com.rackspace__1__x": true, "org.openstack__1__os_distro": false,
	} {
		if got := reservedProperty(key) != ""; got != reserved {
			t.Errorf("reservedProperty(%q) reserved = %v, want %v", key, got, reserved)
		}
	}
}

// A read-only attribute is not sent to "the resource's own argument": there
// is none; an attribute the resource sets is.
func TestReservedProperty_saysWhatToDo(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"size":       "the server sets (read-only)",
		"checksum":   "the server sets (read-only)",
		"min_disk":   "use the resource's own argument",
		"visibility": "use the resource's own argument",
	} {
		if got := reservedProperty(key); !strings.Contains(got, want) {
			t.Errorf("reservedProperty(%q) = %q, want it to say %q", key, got, want)
		}
	}
}
