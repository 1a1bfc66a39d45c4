package image

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// The digest of the image file is kept in the resource's private state with
// the file's size and modification time, so that a plan over an unchanged
// multi-GiB file does not read it again: it is re-hashed only when the path,
// size or modification time changes.
const digestKey = "file_digest"

type fileDigest struct {
	Path         string `json:"path"`
	Size         int64  `json:"size"` // of the file, not of the data
	ModTime      int64  `json:"mtime_ns"`
	Decompressed bool   `json:"decompressed,omitempty"` // the hashes are of the decompressed data
	MD5          string `json:"md5"`
	SHA512       string `json:"sha512"`
	SHA256       string `json:"sha256,omitempty"` // absent from digests recorded by older versions
}

// Digest is the hashes of the data.
func (d fileDigest) Digest() client.Digest {
	return client.Digest{MD5: d.MD5, SHA512: d.SHA512, SHA256: d.SHA256}
}

// hashData hashes what an upload of the file sends (decompressed when asked):
// a variable so that tests can count the reads.
var hashData = func(path string, decompress bool) (client.Digest, error) {
	return client.HashSource(context.Background(), client.FileSource(path, decompress))
}

// digestOf returns the digest of the data an upload of the file at path
// sends, reusing cached when the file is the same path with the same size
// and modification time, read the same way (and has a sha256 when needed).
func digestOf(path string, decompress, needSHA256 bool, cached *fileDigest) (fileDigest, error) {
	info, err := os.Stat(path)
	if err != nil {
		return fileDigest{}, err
	}
	if !info.Mode().IsRegular() {
		return fileDigest{}, fmt.Errorf("%s is not a regular file", path)
	}
	if cached != nil && cached.Path == path && cached.Size == info.Size() && cached.ModTime == info.ModTime().UnixNano() &&
		cached.Decompressed == decompress && (cached.SHA256 != "" || !needSHA256) {
		return *cached, nil
	}
	d, err := hashData(path, decompress)
	if err != nil {
		return fileDigest{}, err
	}
	return newFileDigest(path, info, decompress, d), nil
}

func newFileDigest(path string, info os.FileInfo, decompress bool, d client.Digest) fileDigest {
	return fileDigest{Path: path, Size: info.Size(), ModTime: info.ModTime().UnixNano(), Decompressed: decompress,
		MD5: d.MD5, SHA512: d.SHA512, SHA256: d.SHA256}
}

// digestAfterUpload records what an upload hashed, so the next plan need not
// read the file again.
func digestAfterUpload(path string, decompress bool, d client.Digest) (fileDigest, error) {
	info, err := os.Stat(path)
	if err != nil {
		return fileDigest{}, err
	}
	return newFileDigest(path, info, decompress, d), nil
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type privateState interface {
	privateGetter
	privateSetter
}

// cachedDigest reads the digest from private state; nil when there is none
// or it cannot be decoded (the file is then simply hashed again).
func cachedDigest(ctx context.Context, private privateGetter) *fileDigest {
	if private == nil {
		return nil
	}
	raw, diags := private.GetKey(ctx, digestKey)
	if diags.HasError() || len(raw) == 0 {
		return nil
	}
	var d fileDigest
	if json.Unmarshal(raw, &d) != nil {
		return nil
	}
	return &d
}

func storeDigest(ctx context.Context, private privateSetter, d fileDigest) diag.Diagnostics {
	if private == nil {
		return nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the image file's digest", err.Error())
		return diags
	}
	return private.SetKey(ctx, digestKey, raw)
}
