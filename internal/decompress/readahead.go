package decompress

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// The read-ahead of a decoder: at most aheadBuffers buffers of
// aheadBufferSize bytes, decoded but not read yet, so memory stays constant.
const (
	aheadBuffers    = 4
	aheadBufferSize = 1 << 20
)

// errClosed is what a Read after Close returns.
var errClosed = errors.New("decompress: read after close")

// aheadReader decodes in a goroutine of its own, a few buffers ahead of
// its reader, so that decoding overlaps with what the reader does with the
// data (hashing it and sending it, for an upload): the two then take the
// time of the slower rather than of both. The decoder's error, io.EOF
// included, comes after all the data decoded before it.
//
// The goroutine starts at the first Read and ends at the decoder's error
// or soon after Close. Close does not wait for it: it may be blocked in a
// read of the compressed data, which ends when its owner closes it. The
// decoder's own Close, if any, runs in the goroutine as it ends, never
// concurrently with a read of it.
//
// Read is for one goroutine at a time; Close may come from another.
type aheadReader struct {
	src    io.Reader // the decoder
	format string    // for errors
	closer io.Closer // the decoder's Close, or nil

	start sync.Once
	full  chan []byte // decoded buffers, closed after err is set
	free  chan []byte // buffers the reader is done with
	done  chan struct{}
	close sync.Once
	err   error // the decoder's error, set before full is closed

	cur []byte // what is left of the buffer being read
	buf []byte // that buffer, whole
	end error  // set once full is closed and empty
}

func readAhead(src io.Reader, format string, closer io.Closer) *aheadReader {
	return &aheadReader{src: src, format: format, closer: closer, done: make(chan struct{})}
}

func (a *aheadReader) run() {
	defer close(a.full)
	defer func() {
		// A decoder that panics on corrupt data fails the read rather
		// than the process.
		if p := recover(); p != nil {
			a.err = fmt.Errorf("%s data: decoder failed: %v", a.format, p)
		}
		if a.closer != nil {
			if err := a.closer.Close(); err != nil && a.err == io.EOF {
				a.err = err
			}
		}
	}()
	made := 0
	for {
		if a.closed() {
			a.err = errClosed
			return
		}
		var b []byte
		select {
		case b = <-a.free:
		default:
			if made < aheadBuffers {
				made++
				b = make([]byte, aheadBufferSize)
				break
			}
			select {
			case <-a.done:
				a.err = errClosed
				return
			case b = <-a.free:
			}
		}
		n, err := io.ReadFull(a.src, b)
		if n > 0 {
			a.full <- b[:n] // never blocks: full holds every buffer
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF // the end of the data, before the buffer's end
			}
			a.err = err
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	if a.end != nil {
		return 0, a.end
	}
	if a.closed() {
		a.end = errClosed
		return 0, a.end
	}
	a.start.Do(func() {
		a.full = make(chan []byte, aheadBuffers)
		a.free = make(chan []byte, aheadBuffers)
		go a.run()
	})
	for len(a.cur) == 0 {
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)] // never blocks, as for full
			a.buf = nil
		}
		select {
		case <-a.done:
			a.end = errClosed
			return 0, a.end
		case b, ok := <-a.full:
			if !ok {
				a.end = a.err
				return 0, a.end
			}
			a.cur, a.buf = b, b
		}
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

func (a *aheadReader) closed() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

// Close stops the decoding; a later Read fails.
func (a *aheadReader) Close() error {
	a.close.Do(func() { close(a.done) })
	a.start.Do(func() { // never started: close the decoder here
		if a.closer != nil {
			_ = a.closer.Close()
		}
	})
	return nil
}
