package client

import (
	"context"
	"io"
	"testing"
)

// zeros is an endless source of zero bytes that costs nothing to read.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

const benchUploadSize = 64 << 20

// BenchmarkUploadHashing is the cost of hashing while uploading: the data
// goes through the upload's hashing reader (md5 + sha512) into io.Discard.
// Compare with BenchmarkUploadCopyFloor, the same copy without hashing.
func BenchmarkUploadHashing(b *testing.B) {
	b.SetBytes(benchUploadSize)
	for b.Loop() {
		hr := newHashingReader(context.Background(), "bench", io.LimitReader(zeros{}, benchUploadSize), benchUploadSize)
		hr.logger = func(context.Context, string, map[string]any) {}
		if _, err := io.Copy(io.Discard, hr); err != nil {
			b.Fatal(err)
		}
		_ = hr.digest()
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
