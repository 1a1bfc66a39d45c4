// Package decompress recognises compressed image data by its first bytes,
// never by its name or content type, and decompresses it while it streams.
package decompress

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Formats, in the order of the magic numbers below.
const (
	None  = ""
	Gzip  = "gzip"
	Bzip2 = "bzip2"
	XZ    = "xz"
	Zstd  = "zstd"
)

var magics = []struct {
	format string
	magic  []byte
}{
	{Gzip, []byte{0x1f, 0x8b}},
	{Bzip2, []byte("BZh")},
	{XZ, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
}

// Reader returns r decompressed when its first bytes are those of gzip,
// bzip2, xz or zstd, and r as it is otherwise, with the format found. Memory
// stays constant: the decoders stream.
func Reader(r io.Reader) (io.ReadCloser, string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(6)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, None, err
	}
	for _, m := range magics {
		if !bytes.HasPrefix(head, m.magic) {
			continue
		}
		switch m.format {
		case Gzip:
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, m.format, fmt.Errorf("gzip data: %w", err)
			}
			return zr, m.format, nil
		case Bzip2:
			return io.NopCloser(bzip2.NewReader(br)), m.format, nil
		case XZ:
			xr, err := xz.NewReader(br)
			if err != nil {
				return nil, m.format, fmt.Errorf("xz data: %w", err)
			}
			return io.NopCloser(xr), m.format, nil
		case Zstd:
			// One goroutine, a bounded window: constant memory for any size.
			zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
			if err != nil {
				return nil, m.format, fmt.Errorf("zstd data: %w", err)
			}
			return zr.IOReadCloser(), m.format, nil
		}
	}
	return io.NopCloser(br), None, nil
}
