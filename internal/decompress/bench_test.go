package decompress

import (
	"bytes"
	"compress/gzip"
	"crypto/md5" //nolint:gosec // what uploads compute
	"crypto/sha512"
	"io"
	"math/rand/v2"
	"os/exec"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// The benchmarks decode benchSize bytes of alternate MiB of zeros and of
// random data (as make bench's xz file), compressed once per test binary,
// from memory:
//
//   - decode: into a sink, 32 KiB per Read (as net/http reads a request body);
//   - md5+sha512: through md5 and sha512 one after the other, in the
//     reading goroutine, as an upload hashes on two CPUs or fewer
//     (internal/client uploadHashCPUs).
//
// BenchmarkXZ and BenchmarkBzip2 need xz(1) and bzip2(1), which make them
// (as the users' files are made: xz -T0 writes several blocks).
// Compare runs with benchstat; set GOMAXPROCS=2 for make bench's machine.
const benchSize = 64 << 20

func BenchmarkXZ(b *testing.B) {
	benchDecode(b, XZ, compressed(b, "xz", func(data []byte) ([]byte, error) {
		return command(data, "xz", "-T0", "-1", "-c")
	}))
}

func BenchmarkGzip(b *testing.B) {
	benchDecode(b, Gzip, compressed(b, "gzip", func(data []byte) ([]byte, error) {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
		err := w.Close()
		return buf.Bytes(), err
	}))
}

func BenchmarkZstd(b *testing.B) {
	benchDecode(b, Zstd, compressed(b, "zstd", func(data []byte) ([]byte, error) {
		w, err := zstd.NewWriter(nil)
		if err != nil {
			return nil, err
		}
		return w.EncodeAll(data, nil), nil
	}))
}

func BenchmarkBzip2(b *testing.B) {
	benchDecode(b, Bzip2, compressed(b, "bzip2", func(data []byte) ([]byte, error) {
		return command(data, "bzip2", "-1", "-c")
	}))
}

func benchDecode(b *testing.B, format string, input []byte) {
	b.Run("decode", func(b *testing.B) {
		decodeInto(b, format, input, func() io.Writer { return writerOnly{io.Discard} })
	})
	b.Run("md5+sha512", func(b *testing.B) {
		decodeInto(b, format, input, func() io.Writer {
			return io.MultiWriter(md5.New(), sha512.New()) //nolint:gosec // see import
		})
	})
}

func decodeInto(b *testing.B, format string, input []byte, sink func() io.Writer) {
	b.SetBytes(benchSize)
	b.ReportAllocs()
	buf := make([]byte, 32<<10)
	for b.Loop() {
		r, got, err := Reader(bytes.NewReader(input))
		if err != nil {
			b.Fatal(err)
		}
		if got != format {
			b.Fatalf("detected %q, want %q", got, format)
		}
		n, err := io.CopyBuffer(sink(), r, buf)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchSize {
			b.Fatalf("decoded %d bytes, want %d", n, benchSize)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// writerOnly hides io.Discard's ReadFrom, so that io.CopyBuffer reads 32 KiB at a time.
type writerOnly struct{ io.Writer }

var benchInputs sync.Map // format → *benchInput

type benchInput struct {
	once sync.Once
	data []byte
	err  error
}

// compressed is benchData compressed by compress, made once per test binary.
func compressed(b *testing.B, format string, compress func([]byte) ([]byte, error)) []byte {
	b.Helper()
	v, _ := benchInputs.LoadOrStore(format, &benchInput{})
	in := v.(*benchInput) //nolint:forcetypeassert // only benchInputs stored
	in.once.Do(func() { in.data, in.err = compress(benchData()) })
	if in.err != nil {
		b.Skipf("compressing with %s: %v", format, in.err)
	}
	return in.data
}

func benchData() []byte {
	data := make([]byte, benchSize)
	random := rand.NewChaCha8([32]byte{6})
	for off := 1 << 20; off < len(data); off += 2 << 20 {
		_, _ = random.Read(data[off:min(off+1<<20, len(data))])
	}
	return data
}

// command is data through name args (stdin to stdout).
func command(data []byte, name string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(name); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout = bytes.NewReader(data), &out
	err := cmd.Run()
	return out.Bytes(), err
}
