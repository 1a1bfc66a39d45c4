package client

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // Glance's checksum
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func sumsOf(data []byte) [][]byte {
	m := md5.Sum(data) //nolint:gosec // Glance's checksum
	s := sha512.Sum512(data)
	s2 := sha256.Sum256(data)
	return [][]byte{m[:], s[:], s2[:]}
}

func threeHashes() []hash.Hash {
	return []hash.Hash{md5.New(), sha512.New(), sha256.New()} //nolint:gosec // Glance's checksum
}

// Sizes around the chunk size, and more chunks than may be in flight, so
// that writers wait for the hashes.
var hashSizes = []int{0, 1, hashChunkSize - 1, hashChunkSize, hashChunkSize + 1, 5*hashChunkSize + 123, (2*hashChunks+3)*hashChunkSize + 7}

// hashModes are the ways a parallelHash runs: one goroutine per hash, two
// hashes at a time, and in the caller.
var hashModes = map[string]int{"all at once": 0, "two at a time": 2, "inline": 1}

func TestParallelHash_write(t *testing.T) {
	t.Parallel()
	for mode, cpus := range hashModes {
		for _, size := range hashSizes {
			testParallelWrite(t, mode, cpus, size)
		}
	}
}

func testParallelWrite(t *testing.T, mode string, cpus, size int) {
	t.Helper()
	data := randomBytes(t, size)
	p := newParallelHash(cpus, threeHashes()...)
	// irregular pieces, some spanning chunks
	for rest, i := data, 0; len(rest) > 0; i++ {
		k := min(len(rest), []int{1, 4096, 100_000, hashChunkSize + 5, 3}[i%5])
		if n, err := p.Write(rest[:k]); n != k || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		rest = rest[k:]
	}
	got := p.Sum()
	if want := sumsOf(data); !equalSums(got, want) {
		t.Errorf("%s, size %d: sums differ", mode, size)
	}
	if again := p.Sum(); !equalSums(again, got) {
		t.Errorf("%s, size %d: a second Sum differs", mode, size)
	}
	if _, err := p.Write([]byte("x")); !errors.Is(err, errHashFinished) {
		t.Errorf("Write after Sum: %v", err)
	}
}

func TestParallelHash_readFrom(t *testing.T) {
	t.Parallel()
	for mode, cpus := range hashModes {
		for _, size := range hashSizes {
			data := randomBytes(t, size)
			for name, r := range map[string]io.Reader{
				"plain":   bytes.NewReader(data),
				"half":    iotest.HalfReader(bytes.NewReader(data)),
				"dataErr": iotest.DataErrReader(bytes.NewReader(data)),
			} {
				p := newParallelHash(cpus, threeHashes()...)
				n, err := io.Copy(p, r) // uses ReadFrom
				if err != nil || n != int64(size) {
					t.Fatalf("%s, %s %d: Copy = %d, %v", mode, name, size, n, err)
				}
				if !equalSums(p.Sum(), sumsOf(data)) {
					t.Errorf("%s, %s %d: sums differ", mode, name, size)
				}
			}
		}
		// a read error is returned, and Sum still stops the goroutines
		boom := errors.New("disk on fire")
		p := newParallelHash(cpus, threeHashes()...)
		r := io.MultiReader(bytes.NewReader(randomBytes(t, 3*hashChunkSize)), iotest.ErrReader(boom))
		if _, err := p.ReadFrom(r); !errors.Is(err, boom) {
			t.Errorf("%s: ReadFrom error %v", mode, err)
		}
		p.Sum()
	}
}

func equalSums(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// readerModes are the ways an upload hashes: in goroutines (a machine with
// CPUs to spare) and in the read path (two CPUs or fewer).
var readerModes = map[string]int{"parallel": 0, "inline": 1}

func quietReader(cpus int, src io.Reader, size int64) *hashingReader {
	h := newHashingReader(context.Background(), "img", src, size)
	h.logger = func(context.Context, string, map[string]any) {}
	h.hashCPUs = cpus
	return h
}

func TestHashingReader_digest(t *testing.T) {
	t.Parallel()
	for mode, cpus := range readerModes {
		t.Run(mode, func(t *testing.T) {
			data := randomBytes(t, 3*hashChunkSize+99)
			h := quietReader(cpus, bytes.NewReader(data), int64(len(data)))
			h.withSHA256 = true
			if _, err := io.Copy(io.Discard, h); err != nil {
				t.Fatal(err)
			}
			want := withSHA256(digestOf(data), data)
			if d := h.digest(); d != want {
				t.Errorf("digest %+v, want %+v", d, want)
			}
			if d := h.digest(); d != want {
				t.Errorf("second digest %+v", d)
			}
			if n, err := h.Read(make([]byte, 10)); n != 0 || !errors.Is(err, errUploadRead) {
				t.Errorf("Read after digest = %d, %v", n, err)
			}

			// without sha256, as uploads hash by default
			h = quietReader(cpus, bytes.NewReader(data), -1)
			_, _ = io.Copy(io.Discard, h)
			if d := h.digest(); d != digestOf(data) {
				t.Errorf("digest %+v", d)
			}
			// nothing read
			h = quietReader(cpus, strings.NewReader(""), 0)
			if d := h.digest(); d != digestOf(nil) {
				t.Errorf("empty digest %+v", d)
			}
		})
	}
}

func TestHashingReader_rewind(t *testing.T) {
	t.Parallel()
	for mode, cpus := range readerModes {
		t.Run(mode, func(t *testing.T) {
			data := randomBytes(t, 4*hashChunkSize+1)
			h := quietReader(cpus, bytes.NewReader(data), int64(len(data)))
			h.withSHA256 = true
			if _, err := io.CopyN(io.Discard, h, 2*hashChunkSize+17); err != nil {
				t.Fatal(err)
			}
			if pos, err := h.Seek(0, io.SeekStart); pos != 0 || err != nil {
				t.Fatalf("Seek = %d, %v", pos, err)
			}
			if _, err := io.Copy(io.Discard, h); err != nil {
				t.Fatal(err)
			}
			if d, want := h.digest(), withSHA256(digestOf(data), data); d != want {
				t.Errorf("digest after a rewind %+v, want %+v", d, want)
			}
			// a rewind after the digest starts over too
			if _, err := h.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, h); err != nil {
				t.Fatal(err)
			}
			if d, want := h.digest(), withSHA256(digestOf(data), data); d != want {
				t.Errorf("digest after a second rewind %+v", d)
			}
			if _, err := h.Seek(5, io.SeekStart); err == nil {
				t.Error("Seek(5) accepted")
			}

			// a source that cannot seek cannot be replayed, but can be rewound before any read
			u := quietReader(cpus, io.MultiReader(bytes.NewReader(data)), -1)
			if _, err := u.Seek(0, io.SeekStart); err != nil {
				t.Errorf("rewind before any read: %v", err)
			}
			_, _ = io.CopyN(io.Discard, u, 10)
			if _, err := u.Seek(0, io.SeekStart); !errors.Is(err, errNotReplayable) {
				t.Errorf("rewind of a stream: %v", err)
			}
			u.digest()
		})
	}
}

func TestHashingReader_readError(t *testing.T) {
	t.Parallel()
	for mode, cpus := range readerModes {
		t.Run(mode, func(t *testing.T) {
			boom := errors.New("disk on fire")
			data := randomBytes(t, 2*hashChunkSize+5)
			h := quietReader(cpus, io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)), -1)
			n, err := io.Copy(io.Discard, h)
			if !errors.Is(err, boom) || n != int64(len(data)) {
				t.Errorf("Copy = %d, %v", n, err)
			}
			if d := h.digest(); d != digestOf(data) {
				t.Errorf("digest of what was read %+v", d)
			}
		})
	}
}

// net/http may read a body while the caller takes the digest.
func TestHashingReader_concurrentUse(t *testing.T) {
	t.Parallel()
	for mode, cpus := range readerModes {
		t.Run(mode, func(t *testing.T) {
			h := quietReader(cpus, io.LimitReader(zeros{}, 64*hashChunkSize), -1)
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					buf := make([]byte, 32<<10)
					for {
						if _, err := h.Read(buf); err != nil {
							return
						}
					}
				})
			}
			time.Sleep(time.Millisecond)
			d := h.digest()
			wg.Wait()
			if d.Size <= 0 && d.MD5 == "" {
				t.Errorf("digest %+v", d)
			}
		})
	}
}

// hashGoroutines counts the goroutines of parallelHash hashers.
func hashGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "(*parallelHash).start.func")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Not parallel: it counts every hashing goroutine of the process.
func TestHashing_noGoroutineLeak(t *testing.T) {
	before := hashGoroutines()
	data := randomBytes(t, 3*hashChunkSize)
	path, _ := writeRandomFile(t, 3*hashChunkSize+1)

	// complete, rewound, failed and empty readers, HashFile and its failure
	h := quietReader(0, bytes.NewReader(data), -1)
	_, _ = io.Copy(io.Discard, h)
	if during := hashGoroutines(); during < before+2 {
		t.Errorf("%d hashing goroutines while hashing, want at least %d", during, before+2)
	}
	h.digest()
	h = quietReader(0, bytes.NewReader(data), -1)
	_, _ = io.CopyN(io.Discard, h, hashChunkSize+1)
	_, _ = h.Seek(0, io.SeekStart)
	_, _ = io.CopyN(io.Discard, h, 1)
	h.digest()
	h = quietReader(0, io.MultiReader(bytes.NewReader(data), iotest.ErrReader(errors.New("x"))), -1)
	_, _ = io.Copy(io.Discard, h)
	h.digest()
	quietReader(0, strings.NewReader(""), 0).digest()
	if _, err := HashFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := HashFile(t.TempDir()); err == nil { // a directory: reading it fails
		t.Error("HashFile of a directory succeeded")
	}

	// the goroutines have returned once Sum / digest returned (give an
	// exiting goroutine a moment to leave the stack dump)
	after := hashGoroutines()
	for deadline := time.Now().Add(time.Second); after != before && time.Now().Before(deadline); after = hashGoroutines() {
		time.Sleep(5 * time.Millisecond)
	}
	if after != before {
		t.Errorf("%d hashing goroutines left, %d before", after, before)
	}
}
