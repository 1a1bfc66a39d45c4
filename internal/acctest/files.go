package acctest

import (
	"crypto/md5" //nolint:gosec // the API's checksum is md5
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
	m, s := md5.New(), sha512.New() //nolint:gosec // the API's checksum is md5
	src := io.LimitReader(rand.NewChaCha8(seedBytes(seed)), size)
	if _, err := io.Copy(io.MultiWriter(f, m, s), src); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return ImageFile{Path: path, Size: size, MD5: hex.EncodeToString(m.Sum(nil)), SHA512: hex.EncodeToString(s.Sum(nil))}
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
