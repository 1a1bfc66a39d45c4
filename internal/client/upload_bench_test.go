package client

import (
	"context"
	"crypto/md5" //nolint:gosec // Glance's checksum
	"crypto/sha512"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// zeros is an endless source of zero bytes that costs nothing to read.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

const benchUploadSize = 64 << 20

// BenchmarkUploadHashing is the cost of hashing while uploading: the data
// goes through the upload's hashing reader (md5 + sha512) into io.Discard,
// until the digest is ready, hashing as uploads do on this machine (see
// uploadHashCPUs: in the read path on two CPUs or fewer, else in parallel).
// Compare with BenchmarkUploadCopyFloor, the same copy without hashing, and
// with BenchmarkUploadHashingSerial, md5 then sha512 in the read path (how
// the hashing reader worked before).
func BenchmarkUploadHashing(b *testing.B) {
	benchHashingReader(b, uploadHashCPUs(), false, io.Discard)
}

// BenchmarkUploadHashingParallel is BenchmarkUploadHashing with the hashes
// in goroutines of their own, as on a machine with CPUs to spare.
func BenchmarkUploadHashingParallel(b *testing.B) {
	benchHashingReader(b, 0, false, io.Discard)
}

// BenchmarkUploadHashingParallelSHA256 is BenchmarkUploadHashingParallel
// with sha256 too (an upload with expected_hash = "sha256:…").
func BenchmarkUploadHashingParallelSHA256(b *testing.B) {
	benchHashingReader(b, 0, true, io.Discard)
}

func benchHashingReader(b *testing.B, cpus int, withSHA256 bool, sink io.Writer) {
	b.Helper()
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	for b.Loop() {
		hr := newHashingReader(context.Background(), "bench", io.LimitReader(zeros{}, benchUploadSize), benchUploadSize)
		hr.logger = func(context.Context, string, map[string]any) {}
		hr.hashCPUs, hr.withSHA256 = cpus, withSHA256
		if s, ok := sink.(*pacedSink); ok {
			s.reset()
		}
		if _, err := io.CopyBuffer(sink, hr, make([]byte, 32<<10)); err != nil {
			b.Fatal(err)
		}
		_ = hr.digest()
	}
}

// BenchmarkUploadHashingSerial is the reference: md5 then sha512 of every
// piece, in the read path.
func BenchmarkUploadHashingSerial(b *testing.B) {
	b.SetBytes(benchUploadSize)
	for b.Loop() {
		m, s := md5.New(), sha512.New() //nolint:gosec // Glance's checksum
		if _, err := io.Copy(io.Discard, io.TeeReader(io.LimitReader(zeros{}, benchUploadSize), io.MultiWriter(m, s))); err != nil {
			b.Fatal(err)
		}
		_, _ = m.Sum(nil), s.Sum(nil)
	}
}

// pacedSink stands for a remote server: it takes bytes at rate bytes per
// second, waiting (not computing) like a network write, so that it costs
// this machine's CPUs nothing.
type pacedSink struct {
	rate  float64
	start time.Time
	n     int64
}

func newPacedSink(rate float64) *pacedSink { return &pacedSink{rate: rate, start: time.Now()} }

// reset starts a new transfer.
func (s *pacedSink) reset() { s.start, s.n = time.Now(), 0 }

func (s *pacedSink) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	due := s.start.Add(time.Duration(float64(s.n) / s.rate * float64(time.Second)))
	if wait := time.Until(due); wait > time.Millisecond {
		time.Sleep(wait)
	}
	return len(p), nil
}

// remoteRate is the speed of the server of the Remote benchmarks (600 MB/s,
// a fast link, faster than md5 and sha512 one after the other).
const remoteRate = 600e6

// BenchmarkUploadHashingParallelRemote is an upload to a server that takes
// remoteRate. As with a real socket, the writes do not wait for the link
// until the data gets ahead of it, so the upload goes at the speed of the
// slower of the link and the hashing: with the hashes in parallel, the
// slowest hash; one after the other (BenchmarkUploadHashingSerialRemote), the
// sum of them.
func BenchmarkUploadHashingParallelRemote(b *testing.B) {
	benchHashingReader(b, 0, false, newPacedSink(remoteRate))
}

// BenchmarkUploadHashingSerialRemote is the reference: md5 then sha512 in
// the read path, as the hashing reader did before and does on two CPUs.
func BenchmarkUploadHashingSerialRemote(b *testing.B) {
	b.SetBytes(benchUploadSize)
	sink := newPacedSink(remoteRate)
	for b.Loop() {
		m, s := md5.New(), sha512.New() //nolint:gosec // Glance's checksum
		src := io.TeeReader(io.LimitReader(zeros{}, benchUploadSize), io.MultiWriter(m, s))
		sink.reset()
		if _, err := io.CopyBuffer(sink, src, make([]byte, 32<<10)); err != nil {
			b.Fatal(err)
		}
		_, _ = m.Sum(nil), s.Sum(nil)
	}
}

// BenchmarkUploadCopyFloor is the floor of BenchmarkUploadHashing.
func BenchmarkUploadCopyFloor(b *testing.B) {
	b.SetBytes(benchUploadSize)
	for b.Loop() {
		if _, err := io.Copy(io.Discard, io.LimitReader(zeros{}, benchUploadSize)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUploadHashFile is HashFile (md5, sha512 and sha256 in one pass,
// in parallel) of a file in the page cache: what a plan pays for a changed
// image file.
func BenchmarkUploadHashFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "image.raw")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, io.LimitReader(zeros{}, benchUploadSize)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HashFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
