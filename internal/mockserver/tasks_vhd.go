package mockserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// VHD footers (Microsoft's Virtual Hard Disk Image Format Specification): the last 512
// bytes of every VHD, big-endian. Rackspace imports only VHDs and checks them; the mock
// checks the footer the same way, with the documented error codes.

const (
	vhdFooterSize  = 512
	vhdCookie      = "conectix"
	vhdFixed       = 2
	vhdDynamic     = 3
	vhdDifferencer = 4
	vhdMaxSize     = 40 << 30 // Rackspace's 40 GB limit, virtual and physical
)

// Footer field offsets.
const (
	vhdOffFeatures   = 8
	vhdOffVersion    = 12
	vhdOffDataOffset = 16
	vhdOffTimestamp  = 24
	vhdOffCreator    = 28
	vhdOffCreatorVer = 32
	vhdOffCreatorOS  = 36
	vhdOffOrigSize   = 40
	vhdOffCurSize    = 48
	vhdOffGeometry   = 56
	vhdOffDiskType   = 60
	vhdOffChecksum   = 64
	vhdOffUniqueID   = 68
)

// vhdChecksum is the one's complement of the byte sum of the footer without its checksum.
func vhdChecksum(footer []byte) uint32 {
	var sum uint32
	for i, b := range footer {
		if i < vhdOffChecksum || i >= vhdOffChecksum+4 {
			sum += uint32(b)
		}
	}
	return ^sum
}

// vhdGeometry is the specification's CHS algorithm for a disk of size bytes.
func vhdGeometry(size int64) (cylinders uint16, heads, sectors uint8) {
	total := min(size/512, 65535*16*255)
	var spt, hh, cth int64
	if total >= 65535*16*63 {
		spt, hh = 255, 16
		cth = total / spt
	} else {
		spt = 17
		cth = total / spt
		hh = max((cth+1023)/1024, 4)
		if cth >= hh*1024 || hh > 16 {
			spt, hh = 31, 16
			cth = total / spt
		}
		if cth >= hh*1024 {
			spt, hh = 63, 16
			cth = total / spt
		}
	}
	return uint16(cth / hh), uint8(hh), uint8(spt)
}

// fixedVHDFooter is the footer of a fixed disk of dataSize bytes; the unique id derives
// from the size, so the same size always gives the same bytes.
func fixedVHDFooter(dataSize int64) []byte {
	f := make([]byte, vhdFooterSize)
	be := binary.BigEndian
	copy(f, vhdCookie)
	be.PutUint32(f[vhdOffFeatures:], 2)
	be.PutUint32(f[vhdOffVersion:], 0x00010000)
	be.PutUint64(f[vhdOffDataOffset:], ^uint64(0)) // fixed disks have no dynamic header
	be.PutUint32(f[vhdOffTimestamp:], 0x30000000)
	copy(f[vhdOffCreator:], "mock")
	be.PutUint32(f[vhdOffCreatorVer:], 0x00010000)
	copy(f[vhdOffCreatorOS:], "Wi2k")
	be.PutUint64(f[vhdOffOrigSize:], uint64(dataSize))
	be.PutUint64(f[vhdOffCurSize:], uint64(dataSize))
	c, h, s := vhdGeometry(dataSize)
	be.PutUint16(f[vhdOffGeometry:], c)
	f[vhdOffGeometry+2], f[vhdOffGeometry+3] = h, s
	be.PutUint32(f[vhdOffDiskType:], vhdFixed)
	id := sha256.Sum256([]byte("cloudimages-mock vhd " + strconv.FormatInt(dataSize, 10)))
	copy(f[vhdOffUniqueID:], id[:16])
	be.PutUint32(f[vhdOffChecksum:], vhdChecksum(f))
	return f
}

// WriteFixedVHD writes a fixed-disk VHD: dataSize bytes of deterministic pseudo-random data
// (the same for every call) followed by a valid footer. Real disks are a whole number of
// 512-byte sectors; the mock does not insist. Memory use is constant whatever the size.
func WriteFixedVHD(w io.Writer, dataSize int64) error {
	if dataSize < 0 {
		return errors.New("mockserver: negative VHD size")
	}
	src := rand.NewChaCha8([32]byte{'c', 'l', 'o', 'u', 'd', 'i', 'm', 'a', 'g', 'e', 's'})
	if _, err := io.CopyBuffer(w, io.LimitReader(src, dataSize), make([]byte, copyBuffer)); err != nil {
		return err
	}
	_, err := w.Write(fixedVHDFooter(dataSize))
	return err
}

// vhdFailure is the import failure message for a code Rackspace documents.
func vhdFailure(code int) string {
	reasons := map[int]string{
		111: "There is an unspecified problem with your VHD that caused it to fail our validation checks.",
		396: "The file is not a valid VHD.",
		413: "The virtual size of the disk exceeds the 40GB limit.",
		523: "Only fixed or dynamic disks may be imported.",
		609: "The physical size of the disk exceeds the 40GB limit.",
		614: "The internal UUID of the VHD is all zeros.",
		721: "Your VHD has a parent disk. You can only import a stand-alone VHD.",
	}
	return fmt.Sprintf("Error: %d - The image cannot be imported. %s", code, reasons[code])
}

// checkVHD validates the footer of a VHD of size bytes the way Rackspace's import does,
// returning the disk's virtual size, or the task's failure message.
func checkVHD(r io.ReaderAt, size int64) (int64, string) {
	f := make([]byte, vhdFooterSize)
	if size < vhdFooterSize {
		return 0, vhdFailure(396)
	}
	if _, err := r.ReadAt(f, size-vhdFooterSize); err != nil || !bytes.HasPrefix(f, []byte(vhdCookie)) {
		return 0, vhdFailure(396)
	}
	be := binary.BigEndian
	current := int64(be.Uint64(f[vhdOffCurSize:]))
	diskType := be.Uint32(f[vhdOffDiskType:])
	code := 0
	switch {
	case be.Uint32(f[vhdOffChecksum:]) != vhdChecksum(f):
		code = 111
	case diskType == vhdDifferencer:
		code = 721
	case diskType != vhdFixed && diskType != vhdDynamic:
		code = 523
	case bytes.Equal(f[vhdOffUniqueID:vhdOffUniqueID+16], make([]byte, 16)):
		code = 614
	case current < 0 || current > vhdMaxSize:
		code = 413
	case size > vhdMaxSize+vhdFooterSize:
		code = 609
	case diskType == vhdFixed && size-vhdFooterSize != current:
		code = 111 // a fixed disk is its data plus the footer, nothing else
	}
	if code != 0 {
		return 0, vhdFailure(code)
	}
	return current, ""
}
