package acctest

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Compress writes src compressed with format ("gzip", "xz" or "zstd") to a
// new file named name, and returns its path. The hashes of src are those of
// the data after decompression.
func Compress(t *testing.T, src ImageFile, format, name string) string {
	t.Helper()
	in, err := os.Open(src.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(t.TempDir(), name)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var w io.WriteCloser
	switch format {
	case "gzip":
		w = gzip.NewWriter(out)
	case "xz":
		w, err = xz.NewWriter(out)
	case "zstd":
		w, err = zstd.NewWriter(out)
	default:
		t.Fatalf("Compress: unknown format %q", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// WriteBzip2Sample writes Bzip2Sample to a new file named name and returns
// its path, with the description of the data it decompresses to (Go can
// only decompress bzip2, so the sample was made by bzip2(1)).
func WriteBzip2Sample(t *testing.T, name string) (string, ImageFile) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	plain := filepath.Join(dir, name+".plain")
	if err := os.WriteFile(path, Bzip2Sample, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, []byte("hello, bzip2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, describe(t, plain)
}

// Bzip2Sample is "hello, bzip2\n" compressed by bzip2(1).
var Bzip2Sample = []byte{
	0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0xb1, 0x23,
	0xde, 0x43, 0x00, 0x00, 0x03, 0x59, 0x80, 0x00, 0x10, 0x40, 0x04, 0x10,
	0x00, 0x12, 0x64, 0xc0, 0x10, 0x20, 0x00, 0x31, 0x03, 0x40, 0xd0, 0x20,
	0x01, 0xa6, 0x91, 0x03, 0xab, 0x6c, 0x82, 0x84, 0xf8, 0xbb, 0x92, 0x29,
	0xc2, 0x84, 0x85, 0x89, 0x1e, 0xf2, 0x18,
}
