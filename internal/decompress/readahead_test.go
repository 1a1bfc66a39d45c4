package decompress

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestAheadReader_manyBuffersThenError(t *testing.T) {
	t.Parallel()
	data := make([]byte, 5*aheadBufferSize+123)
	_, _ = rand.NewChaCha8([32]byte{2}).Read(data)
	boom := errors.New("boom")
	src := io.MultiReader(iotest.HalfReader(bytes.NewReader(data)), iotest.ErrReader(boom))
	c := &countCloser{}
	a := readAhead(src, "test", c)
	got, err := io.ReadAll(a)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v after the data", err, boom)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want the %d written", len(got), len(data))
	}
	if _, err := a.Read(make([]byte, 1)); !errors.Is(err, boom) {
		t.Errorf("read after the error: %v, want %v again", err, boom)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if c.n.Load() != 1 {
		t.Errorf("decoder closed %d times, want once", c.n.Load())
	}
}

func TestAheadReader_closeBeforeRead(t *testing.T) {
	t.Parallel()
	c := &countCloser{}
	a := readAhead(strings.NewReader("data"), "test", c)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Read(make([]byte, 4)); !errors.Is(err, errClosed) {
		t.Errorf("read after close: %v, want %v", err, errClosed)
	}
	if c.n.Load() != 1 {
		t.Errorf("decoder closed %d times, want once", c.n.Load())
	}
}

// A Close while the decoder runs ahead stops it; the decoder is closed by
// its goroutine, never while it is read.
func TestAheadReader_closeWhileDecoding(t *testing.T) {
	t.Parallel()
	c := &countCloser{}
	src := &endless{}
	a := readAhead(src, "test", c)
	if _, err := io.ReadFull(a, make([]byte, 3*aheadBufferSize)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Read(make([]byte, 1)); !errors.Is(err, errClosed) {
		t.Errorf("read after close: %v, want %v", err, errClosed)
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.n.Load() != 1 {
		t.Fatalf("decoder closed %d times, want once, by the goroutine", c.n.Load())
	}
	// Bounded: at most the buffers the reader took plus the read-ahead.
	if most := int64(3+aheadBuffers+1) * aheadBufferSize; src.n.Load() > most {
		t.Errorf("decoded %d bytes, want at most %d", src.n.Load(), most)
	}
}

func TestAheadReader_decoderPanics(t *testing.T) {
	t.Parallel()
	a := readAhead(panicky{}, "xz", nil)
	_, err := io.ReadAll(a)
	if err == nil || !strings.Contains(err.Error(), "xz data: decoder failed: runtime error: index out of range") {
		t.Fatalf("error %v, want the panic as an error", err)
	}
}

// xz -T0 writes one block per 3 × the dictionary (3 MiB at -1); streams
// may be concatenated, with padding between them.
func TestReader_xzBlocksAndStreams(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("xz"); err != nil {
		t.Fatalf("xz(1) makes the multi-block streams of this test (make bench needs it too): %v", err)
	}
	data := make([]byte, 7<<20)
	_, _ = rand.NewChaCha8([32]byte{3}).Read(data[:len(data)/2])
	blocks, err := command(data, "xz", "-T2", "-1", "-c")
	if err != nil {
		t.Fatal(err)
	}
	small, err := command([]byte("tail\n"), "xz", "-c", "--check=sha256")
	if err != nil {
		t.Fatal(err)
	}
	input := append(append(append([]byte(nil), blocks...), 0, 0, 0, 0), small...)
	r, format, err := Reader(bytes.NewReader(input))
	if err != nil || format != XZ {
		t.Fatalf("Reader: %q, %v", format, err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Concat(data, []byte("tail\n")); !bytes.Equal(got, want) {
		t.Fatalf("decoded %d bytes, want %d", len(got), len(want))
	}

	// A flipped byte in the last block fails its check.
	corrupt := append([]byte(nil), blocks...)
	corrupt[len(corrupt)-200] ^= 1
	r, _, err = Reader(bytes.NewReader(corrupt))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil {
		t.Fatal("corrupt xz accepted")
	}
}

func TestReader_xzDictionaryLimit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("xz"); err != nil {
		t.Fatalf("xz(1) writes the 256 MiB-dictionary header of this test (make bench needs it too): %v", err)
	}
	big, err := command([]byte("x"), "xz", "-c", "--lzma2=dict=256MiB")
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := Reader(bytes.NewReader(big))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil || !strings.Contains(err.Error(), "dictionary larger than 128 MiB") {
		t.Fatalf("error %v, want the dictionary limit", err)
	}
}

type countCloser struct{ n atomic.Int32 }

func (c *countCloser) Close() error {
	c.n.Add(1)
	return nil
}

// endless is endless zeros, counted.
type endless struct{ n atomic.Int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n.Add(int64(len(p)))
	return len(p), nil
}

type panicky struct{}

func (panicky) Read(p []byte) (int, error) {
	var s []int
	return s[len(p)], nil
}

// FuzzReader: no input, however corrupt, makes a decoder panic (the
// read-ahead would turn the panic into an error naming it) or a reader hang;
// at most 1 MiB of each output is read.
func FuzzReader(f *testing.F) {
	data := sample()
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	_, _ = gw.Write(data[:4<<10])
	_ = gw.Close()
	xzSmall, err := command(data[:4<<10], "xz", "-c", "-1")
	if err != nil {
		xzSmall = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	}
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{gz.Bytes(), xzSmall, zw.EncodeAll(data[:4<<10], nil), bzip2Sample, []byte("plain")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		r, _, err := Reader(bytes.NewReader(input))
		if err != nil {
			return
		}
		defer r.Close()
		_, err = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
		if err != nil && strings.Contains(err.Error(), "decoder failed") {
			t.Fatal(err)
		}
	})
}
