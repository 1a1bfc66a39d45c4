package client

import (
	"errors"
	"hash"
	"io"
	"sync"
	"sync/atomic"
)

// A parallelHash computes several hashes of one stream at once, each in its
// own goroutine, so that hashing costs the slowest hash rather than the sum
// of them, and the caller (the HTTP client writing the upload, or a plan
// reading a file) only copies the data into a chunk and moves on.
//
// Memory is constant: at most hashChunks chunks of hashChunkSize bytes are in
// flight; when every chunk is still being hashed, Write waits for one, so a
// fast reader never runs ahead of the slowest hash by more than that.
//
// cpus bounds how many hashes compute at once. With 1 there are no
// goroutines: the caller hashes each piece itself, one hash after the other,
// which costs the least CPU (no copy, the data still in the CPU's cache);
// handing chunks to goroutines costs about 10 % more CPU in all, which only
// pays when CPUs would otherwise stay idle.
const (
	hashChunkSize = 256 << 10
	hashChunks    = 8
)

// errHashFinished is returned by a write after Sum: the hashes are final.
var errHashFinished = errors.New("hashing already finished")

// chunkBuffers recycles chunk buffers between hashers (uploads, plans).
var chunkBuffers = sync.Pool{New: func() any {
	b := make([]byte, hashChunkSize)
	return &b
}}

func chunkBuffer() *[]byte {
	if b, ok := chunkBuffers.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, hashChunkSize)
	return &b
}

type hashChunk struct {
	buf  *[]byte
	n    int
	refs atomic.Int32 // hashes that have not hashed it yet
}

type parallelHash struct {
	hashes []hash.Hash
	// cpus is how many hashes may compute at once: 0 all of them, 1 one
	// after the other in the caller, more: the others wait for a turn,
	// chunk by chunk.
	cpus    int
	turns   chan struct{}
	feeds   []chan *hashChunk // one per hash; never full (see dispatch)
	free    chan *hashChunk   // chunks every hash is done with
	made    int               // chunks allocated so far, at most hashChunks
	cur     *hashChunk        // being filled
	workers sync.WaitGroup
	started bool
	done    bool
	sums    [][]byte
}

// newParallelHash hashes with hashes, using up to cpus CPUs (0: one for
// each hash).
func newParallelHash(cpus int, hashes ...hash.Hash) *parallelHash {
	return &parallelHash{hashes: hashes, cpus: cpus}
}

func (p *parallelHash) inline() bool { return p.cpus == 1 || len(p.hashes) < 2 }

// start launches one goroutine per hash; they end when Sum closes their feeds.
func (p *parallelHash) start() {
	p.started = true
	if p.cpus > 1 && p.cpus < len(p.hashes) {
		p.turns = make(chan struct{}, p.cpus)
	}
	p.free = make(chan *hashChunk, hashChunks)
	p.feeds = make([]chan *hashChunk, len(p.hashes))
	for i, h := range p.hashes {
		feed := make(chan *hashChunk, hashChunks)
		p.feeds[i] = feed
		p.workers.Add(1)
		go func() {
			defer p.workers.Done()
			for c := range feed {
				if p.turns != nil {
					p.turns <- struct{}{}
				}
				h.Write((*c.buf)[:c.n])
				if p.turns != nil {
					<-p.turns
				}
				if c.refs.Add(-1) == 0 {
					c.n = 0
					p.free <- c // never blocks: free holds every chunk
				}
			}
		}()
	}
}

// chunk is the chunk being filled: a free one, a new one while fewer than
// hashChunks exist, or else the first one the hashes give back.
func (p *parallelHash) chunk() *hashChunk {
	if p.cur != nil {
		return p.cur
	}
	if !p.started {
		p.start()
	}
	select {
	case p.cur = <-p.free:
	default:
		if p.made < hashChunks {
			p.made++
			p.cur = &hashChunk{buf: chunkBuffer()}
		} else {
			p.cur = <-p.free
		}
	}
	return p.cur
}

// dispatch hands the current chunk to every hash. A feed never blocks: at
// most hashChunks chunks exist, so at most that many wait in any feed.
func (p *parallelHash) dispatch() {
	c := p.cur
	p.cur = nil
	c.refs.Store(int32(len(p.hashes))) //nolint:gosec // a handful of hashes
	for _, feed := range p.feeds {
		feed <- c
	}
}

// Write hashes b: inline, or copied into chunks handed to the hashes as they fill.
func (p *parallelHash) Write(b []byte) (int, error) {
	if p.done {
		return 0, errHashFinished
	}
	if p.inline() {
		for _, h := range p.hashes {
			h.Write(b)
		}
		return len(b), nil
	}
	n := len(b)
	for len(b) > 0 {
		c := p.chunk()
		k := copy((*c.buf)[c.n:], b)
		c.n += k
		b = b[k:]
		if c.n == len(*c.buf) {
			p.dispatch()
		}
	}
	return n, nil
}

// ReadFrom hashes r until EOF, reading straight into the chunks (io.Copy uses it).
func (p *parallelHash) ReadFrom(r io.Reader) (int64, error) {
	if p.done {
		return 0, errHashFinished
	}
	if p.inline() {
		buf := chunkBuffer()
		defer chunkBuffers.Put(buf)
		return io.CopyBuffer(writerOnly{p}, r, *buf)
	}
	var total int64
	for {
		c := p.chunk()
		k, err := r.Read((*c.buf)[c.n:])
		c.n += k
		total += int64(k)
		if c.n == len(*c.buf) {
			p.dispatch()
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// writerOnly hides ReadFrom, so that io.CopyBuffer uses the buffer.
type writerOnly struct{ io.Writer }

// Sum hashes what is left, stops the goroutines and returns each hash's sum,
// in the order the hashes were given. Later calls return the same sums.
func (p *parallelHash) Sum() [][]byte {
	if p.done {
		return p.sums
	}
	p.done = true
	if p.started {
		if p.cur != nil && p.cur.n > 0 {
			p.dispatch()
		}
		for _, feed := range p.feeds {
			close(feed)
		}
		p.workers.Wait()
		if p.cur != nil {
			chunkBuffers.Put(p.cur.buf)
			p.cur = nil
		}
		for len(p.free) > 0 {
			chunkBuffers.Put((<-p.free).buf)
		}
	}
	p.sums = make([][]byte, len(p.hashes))
	for i, h := range p.hashes {
		p.sums[i] = h.Sum(nil)
	}
	return p.sums
}
