// Package decompress recognises compressed image data by its first bytes,
// never by its name or content type, and decompresses it while it streams.
package decompress

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
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

// Limits of the decoders' history windows (the memory a stream may ask for):
// every xz preset and zstd level fits.
const (
	xzMaxDict     = 128 << 20
	zstdMaxWindow = 128 << 20
)

// Reader returns r decompressed when its first bytes are those of gzip,
// bzip2, xz or zstd, and r as it is otherwise, with the format found. Memory
// stays constant: the decoders stream, each in a goroutine of its own a few
// buffers ahead of the reader (see aheadReader), so that decoding overlaps
// with what the reader does with the data.
//
// The xz decoder is github.com/therootcompany/xz (XZ Embedded ported to
// Go), about twice as fast as github.com/ulikunitz/xz (see BenchmarkXZ).
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
			return readAhead(zr, m.format, zr), m.format, nil
		case Bzip2:
			return readAhead(bzip2.NewReader(br), m.format, nil), m.format, nil
		case XZ:
			xr, err := xz.NewReader(br, xzMaxDict)
			if err != nil {
				return nil, m.format, xzError(err)
			}
			return readAhead(xzReader{xr}, m.format, nil), m.format, nil
		case Zstd:
			// Decoded synchronously by the read-ahead's goroutine, with a
			// bounded window: constant memory for any size.
			zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(zstdMaxWindow))
			if err != nil {
				return nil, m.format, fmt.Errorf("zstd data: %w", err)
			}
			zc := zr.IOReadCloser()
			return readAhead(zc, m.format, zc), m.format, nil
		}
	}
	return io.NopCloser(br), None, nil
}

// xzReader says which limit a stream's dictionary exceeds.
type xzReader struct{ *xz.Reader }

func (r xzReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	if errors.Is(err, xz.ErrMemlimit) {
		err = xzError(err)
	}
	return n, err
}

func xzError(err error) error {
	if errors.Is(err, xz.ErrMemlimit) {
		return fmt.Errorf("xz data: the stream needs a dictionary larger than %d MiB: %w", xzMaxDict>>20, err)
	}
	return fmt.Errorf("xz data: %w", err)
}
