package decompress

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func sample() []byte {
	b := make([]byte, 300<<10)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b[:len(b)/2]) // half random, half zeros: compressible
	return b
}

func TestReader_detectsByMagicAndRoundTrips(t *testing.T) {
	t.Parallel()
	data := sample()
	var gz, xzb, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	_, _ = gw.Write(data)
	_ = gw.Close()
	xw, err := xz.NewWriter(&xzb)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = xw.Write(data)
	_ = xw.Close()
	zw, err := zstd.NewWriter(&zs)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = zw.Write(data)
	_ = zw.Close()

	for _, tc := range []struct {
		format string
		input  []byte
	}{
		{Gzip, gz.Bytes()}, {XZ, xzb.Bytes()}, {Zstd, zs.Bytes()}, {Bzip2, bzip2Sample}, {None, data}, {None, []byte("BZ")}, {None, nil},
	} {
		r, format, err := Reader(bytes.NewReader(tc.input))
		if err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%q: read: %v", tc.format, err)
		}
		if format != tc.format {
			t.Errorf("detected %q, want %q", format, tc.format)
		}
		want := data
		switch tc.format {
		case Bzip2:
			want = []byte("hello, bzip2\n")
		case None:
			want = tc.input
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%q: decompressed %d bytes, want %d", tc.format, len(out), len(want))
		}
	}
}

func TestReader_corruptData(t *testing.T) {
	t.Parallel()
	r, _, err := Reader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0, 0, 0, 0, 0}))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil {
		t.Fatal("corrupt gzip accepted")
	}
}

// bzip2Sample is "hello, bzip2\n" compressed by bzip2(1) (the standard
// library only decompresses bzip2).
var bzip2Sample = []byte{
	0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0xb1, 0x23,
	0xde, 0x43, 0x00, 0x00, 0x03, 0x59, 0x80, 0x00, 0x10, 0x40, 0x04, 0x10,
	0x00, 0x12, 0x64, 0xc0, 0x10, 0x20, 0x00, 0x31, 0x03, 0x40, 0xd0, 0x20,
	0x01, 0xa6, 0x91, 0x03, 0xab, 0x6c, 0x82, 0x84, 0xf8, 0xbb, 0x92, 0x29,
	0xc2, 0x84, 0x85, 0x89, 0x1e, 0xf2, 0x18,
}
