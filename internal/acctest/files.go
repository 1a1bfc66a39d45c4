package acctest

import (
	"crypto/md5" //nolint:gosec // the API's checksum is md5
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// ImageFile is a file of test image data with its hashes.
type ImageFile struct {
	Path   string
	Size   int64
	MD5    string
	SHA256 string
	SHA512 string
}

// WriteImageFile writes size bytes of data derived from seed into a new file
// in the test's temporary directory: the same seed gives the same bytes.
func WriteImageFile(t *testing.T, name string, size int64, seed uint64) ImageFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, io.LimitReader(rand.NewChaCha8(seedBytes(seed)), size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return describe(t, path)
}

// describe hashes the file at path.
func describe(t *testing.T, path string) ImageFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, s, s256 := md5.New(), sha512.New(), sha256.New() //nolint:gosec // the API's checksum is md5
	n, err := io.Copy(io.MultiWriter(m, s, s256), f)
	if err != nil {
		t.Fatal(err)
	}
	return ImageFile{Path: path, Size: n, MD5: hex.EncodeToString(m.Sum(nil)), SHA256: hex.EncodeToString(s256.Sum(nil)),
		SHA512: hex.EncodeToString(s.Sum(nil))}
}

// CopyImageFile copies an image file to a new path (same bytes, other name).
func CopyImageFile(t *testing.T, src ImageFile, name string) ImageFile {
	t.Helper()
	data, err := os.ReadFile(src.Path)
	if err != nil {
		t.Fatal(err)
	}
	dst := src
	dst.Path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(dst.Path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	for i := range 8 {
		b[i] = byte(seed >> (8 * i))
	}
	return b
}
