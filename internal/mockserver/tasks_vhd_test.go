package mockserver

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func vhdBytes(t *testing.T, dataSize int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFixedVHD(&buf, dataSize); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sizedReader pretends to be a huge file whose last 512 bytes are footer.
type sizedReader struct {
	size   int64
	footer []byte
}

func (r sizedReader) ReadAt(p []byte, off int64) (int, error) {
	return copy(p, r.footer[off-(r.size-vhdFooterSize):]), nil
}

func TestWriteFixedVHD(t *testing.T) {
	t.Parallel()
	b := vhdBytes(t, 1<<20)
	if len(b) != 1<<20+512 || !bytes.Equal(b, vhdBytes(t, 1<<20)) {
		t.Fatalf("size %d, or not deterministic", len(b))
	}
	if bytes.Equal(b[:4096], make([]byte, 4096)) {
		t.Error("data is all zeros")
	}
	footer := b[len(b)-512:]
	be := binary.BigEndian
	if string(footer[:8]) != "conectix" || be.Uint32(footer[vhdOffDiskType:]) != vhdFixed ||
		be.Uint64(footer[vhdOffCurSize:]) != 1<<20 || be.Uint32(footer[vhdOffChecksum:]) != vhdChecksum(footer) ||
		be.Uint64(footer[vhdOffDataOffset:]) != ^uint64(0) {
		t.Errorf("footer % x", footer[:96])
	}
	if c, h, s := vhdGeometry(1 << 20); int64(c)*int64(h)*int64(s)*512 > 1<<20 || c == 0 {
		t.Errorf("geometry %d/%d/%d", c, h, s)
	}
	if virtual, msg := checkVHD(bytes.NewReader(b), int64(len(b))); msg != "" || virtual != 1<<20 {
		t.Errorf("check = %d %q", virtual, msg)
	}
	if err := WriteFixedVHD(&bytes.Buffer{}, -1); err == nil {
		t.Error("negative size accepted")
	}
	if empty := vhdBytes(t, 0); len(empty) != 512 {
		t.Errorf("empty disk is %d bytes", len(empty))
	}
}

func TestCheckVHD_Codes(t *testing.T) {
	t.Parallel()
	good := vhdBytes(t, 64<<10)
	// edit changes a copy of the footer and fixes its checksum unless told not to.
	edit := func(fix bool, change func(f []byte)) []byte {
		b := bytes.Clone(good)
		f := b[len(b)-512:]
		change(f)
		if fix {
			binary.BigEndian.PutUint32(f[vhdOffChecksum:], vhdChecksum(f))
		}
		return b
	}
	setType := func(typ uint32) func([]byte) {
		return func(f []byte) { binary.BigEndian.PutUint32(f[vhdOffDiskType:], typ) }
	}
	cases := []struct {
		name string
		data []byte
		code string
	}{
		{"text", []byte(strings.Repeat("not a disk ", 100)), "396"},
		{"short", []byte("conectix"), "396"},
		{"bad checksum", edit(false, func(f []byte) { f[vhdOffCreator] = 'x' }), "111"},
		{"differencing", edit(true, setType(vhdDifferencer)), "721"},
		{"unknown type", edit(true, setType(1)), "523"},
		{"zero uuid", edit(true, func(f []byte) { copy(f[vhdOffUniqueID:], make([]byte, 16)) }), "614"},
		{"too big", edit(true, func(f []byte) { binary.BigEndian.PutUint64(f[vhdOffCurSize:], 41<<30) }), "413"},
		{"fixed size mismatch", append([]byte("extra"), good...), "111"},
	}
	for _, tc := range cases {
		_, msg := checkVHD(bytes.NewReader(tc.data), int64(len(tc.data)))
		if !strings.HasPrefix(msg, "Error: "+tc.code+" - The image cannot be imported. ") {
			t.Errorf("%s: %q", tc.name, msg)
		}
	}
	if _, msg := checkVHD(bytes.NewReader(good[:100]), 100); msg != vhdFailure(396) ||
		msg != "Error: 396 - The image cannot be imported. The file is not a valid VHD." {
		t.Errorf("396 message %q", msg)
	}
	// A dynamic disk's file is smaller than its disk; that is fine.
	dynamic := edit(true, setType(vhdDynamic))[64<<10-1024:]
	if virtual, msg := checkVHD(bytes.NewReader(dynamic), int64(len(dynamic))); msg != "" || virtual != 64<<10 {
		t.Errorf("dynamic: %d %q", virtual, msg)
	}
	// A physical size over 40 GB, without writing 40 GB.
	footer := edit(true, setType(vhdDynamic))[len(good)-512:]
	if _, msg := checkVHD(sizedReader{size: 41 << 30, footer: footer}, 41<<30); !strings.HasPrefix(msg, "Error: 609 - ") {
		t.Errorf("physical size: %q", msg)
	}
}
