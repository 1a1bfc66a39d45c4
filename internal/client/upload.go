package client

import (
	"context"
	"crypto/md5" //nolint:gosec // Glance's checksum is md5; used for comparison only
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/decompress"
)

// Digest describes image data: hex md5 (Glance's checksum), hex sha512
// (Glance's os_hash_value with os_hash_algo sha512) and size in bytes.
type Digest struct {
	MD5, SHA512 string
	SHA256      string // uploads: only when asked for (UploadSource.SHA256); HashFile: always
	Size        int64
}

const (
	progressMinSize  = 16 << 20 // uploads smaller than this log no progress
	progressInterval = 5 * time.Second
)

// errNotReplayable is returned (through gophercloud) when the token expired
// during an upload whose data cannot be read again.
var errNotReplayable = errors.New("the upload cannot be replayed: its data stream cannot be rewound")

// hashingReader hashes and counts what the HTTP client reads, and logs
// progress. Seek(0, io.SeekStart) rewinds (gophercloud does that to resend the
// body after re-authenticating on 401) when the source can seek.
//
// With CPUs to spare (see uploadHashCPUs) the hashes run in goroutines of
// their own (see parallelHash), in parallel with each other and with the
// network write: Read only copies the data into a chunk for them; otherwise
// Read hashes what it read. digest waits for the hashes and stops their
// goroutines; uploadOnce always calls it. It is safe for concurrent use,
// since net/http may still read a request's body after RoundTrip returned;
// a Read after digest fails.
type hashingReader struct {
	mu         sync.Mutex
	ctx        context.Context
	id         string
	src        io.Reader
	withSHA256 bool
	hashCPUs   int // see uploadHashCPUs
	hash       *parallelHash
	final      *Digest // set by digest
	n          int64
	size       int64
	start      time.Time
	lastLog    time.Time
	logger     func(ctx context.Context, msg string, fields map[string]any)
}

// uploadHashCPUs is how many CPUs the hashes of one upload may keep busy:
// all but one, which stays for the data path (reading the source, writing
// the socket) and the rest of the machine. On two CPUs that is one: the
// read path hashes as it reads, which costs the least CPU. Measured with the
// mock on the same two-CPU machine (make bench), where the CPUs are the
// limit, handing the hashes to goroutines made the upload 10–15 % slower;
// with a CPU to spare, it lifts the hashing from md5 + sha512 one after the
// other (about 400 MB/s here) to the slower of the two (about 740 MB/s).
func uploadHashCPUs() int {
	return max(1, runtime.GOMAXPROCS(0)-1)
}

// errUploadRead is a read of the upload's data after its digest was taken.
var errUploadRead = errors.New("the upload's data was read after the upload finished")

func newHashingReader(ctx context.Context, id string, src io.Reader, size int64) *hashingReader {
	now := time.Now()
	return &hashingReader{
		ctx: ctx, id: id, src: src, size: size, hashCPUs: uploadHashCPUs(),
		start: now, lastLog: now,
		logger: func(ctx context.Context, msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) },
	}
}

// hasher is the running parallelHash, started at the first byte.
func (h *hashingReader) hasher() *parallelHash {
	if h.hash == nil {
		hashes := []hash.Hash{md5.New(), sha512.New()} //nolint:gosec // see import
		if h.withSHA256 {
			hashes = append(hashes, sha256.New())
		}
		h.hash = newParallelHash(h.hashCPUs, hashes...)
	}
	return h.hash
}

func (h *hashingReader) Read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.final != nil {
		return 0, errUploadRead
	}
	n, err := h.src.Read(p)
	if n > 0 {
		_, _ = h.hasher().Write(p[:n]) // fails only after digest, excluded above
		h.n += int64(n)
		h.progress(false)
	}
	return n, err
}

func (h *hashingReader) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekStart {
		return 0, errors.New("upload data can only be rewound to the start")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == 0 && h.final == nil {
		return 0, nil
	}
	s, ok := h.src.(io.Seeker)
	if !ok {
		return 0, errNotReplayable
	}
	if _, err := s.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("%w: %v", errNotReplayable, err)
	}
	if h.hash != nil {
		h.hash.Sum() // stops its goroutines; the sums are dropped
		h.hash = nil
	}
	h.final = nil
	h.n = 0
	return 0, nil
}

func (h *hashingReader) progress(final bool) {
	if h.size >= 0 && h.size < progressMinSize {
		return
	}
	now := time.Now()
	if !final && now.Sub(h.lastLog) < progressInterval {
		return
	}
	h.lastLog = now
	elapsed := now.Sub(h.start)
	fields := map[string]any{
		"image_id": h.id,
		"bytes":    h.n,
		"elapsed":  roundDuration(elapsed).String(),
	}
	if secs := elapsed.Seconds(); secs > 0 {
		fields["mib_per_second"] = strconv.FormatFloat(float64(h.n)/secs/(1<<20), 'f', 1, 64)
	}
	if h.size > 0 {
		fields["total_bytes"] = h.size
		fields["percent"] = strconv.FormatFloat(100*float64(h.n)/float64(h.size), 'f', 1, 64)
	}
	msg := "Uploading image data"
	if final {
		msg = "Uploaded image data"
	}
	h.logger(h.ctx, msg, fields)
}

// finalProgress logs the final progress line.
func (h *hashingReader) finalProgress() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.progress(true)
}

// digest waits for the hashes of everything read so far and returns them;
// the hashing goroutines are then stopped, and further reads fail until a
// Seek(0) starts over.
func (h *hashingReader) digest() Digest {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.final == nil {
		sums := h.hasher().Sum()
		d := Digest{MD5: hex.EncodeToString(sums[0]), SHA512: hex.EncodeToString(sums[1]), Size: h.n}
		if h.withSHA256 {
			d.SHA256 = hex.EncodeToString(sums[2])
		}
		h.final = &d
	}
	return *h.final
}

// UploadImageData streams r (size bytes, -1 if unknown) to PUT
// images/{id}/file with Content-Type application/octet-stream (and
// x-openstack-image-size when the size is known), computing md5 and sha512 on
// the way in constant memory, and logging progress for large uploads. The
// upload is never retried by the transport (the stream is consumed); if the
// token expires during it, it is sent again only when r can seek.
func (c *Client) UploadImageData(ctx context.Context, id string, r io.Reader, size int64) (Digest, error) {
	return c.uploadOnce(ctx, id, r, size, false)
}

func (c *Client) uploadOnce(ctx context.Context, id string, r io.Reader, size int64, withSHA256 bool) (Digest, error) {
	u := c.imageURL(id, "file")
	if id == "" {
		return Digest{}, emptyID(http.MethodPut, u)
	}
	if size < -1 {
		size = -1
	}
	hr := newHashingReader(c.secrets.mask(ctx), id, r, size)
	hr.withSHA256 = withSHA256
	headers := map[string]string{"Content-Type": "application/octet-stream"}
	if size >= 0 {
		headers["X-Openstack-Image-Size"] = strconv.FormatInt(size, 10)
	}
	tflog.Debug(c.secrets.mask(ctx), "Uploading image data", map[string]any{"image_id": id, "size": size})
	_, err := c.image.Request(ctx, http.MethodPut, u, &gophercloud.RequestOpts{
		RawBody:     hr,
		MoreHeaders: headers,
		OkCodes:     []int{http.StatusNoContent, http.StatusOK, http.StatusCreated},
	})
	d := hr.digest()
	if err != nil {
		if errors.Is(err, errNotReplayable) {
			return d, &APIError{Method: http.MethodPut, URL: u, StatusCode: http.StatusUnauthorized, Err: err,
				Message: "the token expired during the upload and the data stream cannot be sent again; run again"}
		}
		return d, WrapError(http.MethodPut, u, err)
	}
	hr.finalProgress()
	if size >= 0 && d.Size != size {
		return d, &APIError{Method: http.MethodPut, URL: u, Message: fmt.Sprintf("sent %d bytes but the data was announced as %d bytes", d.Size, size)}
	}
	return d, nil
}

// UploadSource is image data to upload: Open is called once per attempt
// and gives the data and its size (-1 when unknown, such as decompressed or
// downloaded data).
type UploadSource struct {
	Open func(ctx context.Context) (io.ReadCloser, int64, error)
	// SHA256 also computes the sha256 of the data while streaming.
	SHA256 bool
}

// FileSource is the file at path, decompressed while it streams when
// decompress is set and its first bytes say gzip, bzip2, xz or zstd.
func FileSource(path string, decompress bool) UploadSource {
	return UploadSource{Open: func(context.Context) (io.ReadCloser, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, fmt.Errorf("opening image data: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("reading image data: %w", err)
		}
		if !st.Mode().IsRegular() {
			f.Close()
			return nil, 0, fmt.Errorf("image data %s is not a regular file", path)
		}
		if !decompress {
			return f, st.Size(), nil
		}
		return decompressed(f, st.Size())
	}}
}

// decompressed wraps rc (size bytes, -1 if unknown) in a decompressor when
// its data is compressed; the size of decompressed data is unknown.
func decompressed(rc io.ReadCloser, size int64) (io.ReadCloser, int64, error) {
	r, format, err := decompress.Reader(rc)
	if err != nil {
		rc.Close()
		return nil, 0, err
	}
	if format == decompress.None {
		return readCloser{r, rc}, size, nil
	}
	return readCloser{r, multiCloser{r, rc}}, -1, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// UploadImageFile streams the file at path to the image (see UploadImage).
func (c *Client) UploadImageFile(ctx context.Context, id, path string) (Digest, error) {
	return c.UploadImage(ctx, id, FileSource(path, false))
}

// UploadImage streams src to the image while hashing it. An upload that
// fails part-way is sent again from the start of the data while the image is
// still queued (the server discarded the partial data), at most maxRetries
// times. An upload whose answer was lost after the server stored the data
// (the image holds exactly the bytes sent, by size and md5) succeeded: it is
// not sent again.
func (c *Client) UploadImage(ctx context.Context, id string, src UploadSource) (Digest, error) {
	for attempt := 0; ; attempt++ {
		d, err := c.uploadSourceOnce(ctx, id, src)
		if err == nil || !transient(err) {
			return d, err
		}
		img := c.afterFailedUpload(ctx, id)
		if img != nil && img.Status != StatusQueued && d.Size > 0 && img.Size != nil && *img.Size == d.Size && img.Checksum == d.MD5 {
			tflog.Info(c.secrets.mask(ctx), "The upload's answer was lost, but the image holds exactly the data sent: not uploading again",
				map[string]any{"image_id": id, "size": d.Size, "error": err.Error()})
			return d, nil
		}
		if attempt >= c.maxRetries || img == nil || img.Status != StatusQueued {
			return d, err
		}
		tflog.Warn(c.secrets.mask(ctx), "Upload failed part-way and the image is still queued: uploading again from the start",
			map[string]any{"image_id": id, "attempt": attempt + 1, "max_retries": c.maxRetries, "error": err.Error()})
		if err := pause(ctx, attempt); err != nil {
			return d, err
		}
	}
}

// afterFailedUpload reads the image once it has left saving (giving the
// server a moment to notice the broken connection); nil if it cannot be read.
func (c *Client) afterFailedUpload(ctx context.Context, id string) *Image {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var last *Image
	_ = Wait(ctx, DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		img, err := c.GetImage(ctx, id)
		if err != nil {
			return false, err
		}
		last = img
		return img.Status != StatusSaving, nil
	})
	return last
}

// Preopen opens src at once, so that a source that cannot be read (a URL
// that answers 404, a file gone) fails before anything is made; the first
// upload attempt then reads what was opened, later ones open it again.
// release closes what was opened if no upload took it.
func (src UploadSource) Preopen(ctx context.Context) (opened UploadSource, release func(), err error) {
	rc, size, err := src.Open(ctx)
	if err != nil {
		return src, func() {}, err
	}
	var mu sync.Mutex
	first := rc
	opened = src
	opened.Open = func(ctx context.Context) (io.ReadCloser, int64, error) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil {
			r := first
			first = nil
			return r, size, nil
		}
		return src.Open(ctx)
	}
	release = func() {
		mu.Lock()
		defer mu.Unlock()
		if first != nil {
			_ = first.Close()
			first = nil
		}
	}
	return opened, release, nil
}

func (c *Client) uploadSourceOnce(ctx context.Context, id string, src UploadSource) (Digest, error) {
	r, size, err := src.Open(ctx)
	if err != nil {
		return Digest{}, err
	}
	defer r.Close()
	return c.uploadOnce(ctx, id, r, size, src.SHA256)
}

// HashFile computes md5, sha512 and sha256 of the file at path in one
// streaming pass, the three hashes in parallel, in constant memory.
func HashFile(path string) (Digest, error) {
	return HashSource(context.Background(), FileSource(path, false))
}

// HashSource hashes the data src gives (decompressed when src decompresses)
// as HashFile does: what an upload of src would send, without sending it.
func HashSource(ctx context.Context, src UploadSource) (Digest, error) {
	r, _, err := src.Open(ctx)
	if err != nil {
		return Digest{}, err
	}
	defer r.Close()
	p := newParallelHash(0, md5.New(), sha512.New(), sha256.New()) //nolint:gosec // see import
	n, err := p.ReadFrom(r)
	sums := p.Sum() // also when reading failed: stops the goroutines
	if err != nil {
		return Digest{}, fmt.Errorf("reading image data: %w", err)
	}
	return Digest{
		MD5: hex.EncodeToString(sums[0]), SHA512: hex.EncodeToString(sums[1]), SHA256: hex.EncodeToString(sums[2]),
		Size: n,
	}, nil
}

// VerifyDigest compares local data's digest with what the server reports:
// checksum (md5), os_hash_value when os_hash_algo is sha512, and size. Values
// the server does not report are not compared. The error names both values
// and wraps ErrDigestMismatch.
func VerifyDigest(img *Image, d Digest) error {
	if img == nil {
		return errors.New("no image to verify")
	}
	var problems []string
	if img.Checksum != "" && !strings.EqualFold(img.Checksum, d.MD5) {
		problems = append(problems, fmt.Sprintf("the server's checksum (md5) is %s but the local data's is %s", img.Checksum, d.MD5))
	}
	if strings.EqualFold(img.OSHashAlgo, "sha512") && img.OSHashValue != "" && !strings.EqualFold(img.OSHashValue, d.SHA512) {
		problems = append(problems, fmt.Sprintf("the server's os_hash_value (sha512) is %s but the local data's is %s", img.OSHashValue, d.SHA512))
	}
	if img.Size != nil && *img.Size != d.Size {
		problems = append(problems, fmt.Sprintf("the server's size is %d bytes but the local data has %d bytes", *img.Size, d.Size))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: image %s: %s; the data was corrupted in transit or changed during the upload: upload it again", ErrDigestMismatch, img.ID, strings.Join(problems, "; "))
}
