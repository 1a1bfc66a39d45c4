// Package functions holds the provider's functions (Terraform 1.8 and later),
// called as provider::cloudimages::NAME(...).
package functions

import (
	"bufio"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// A checksum file lists one digest per file, in one of the forms the
// distributions publish:
//
//	GNU coreutils (sha256sum):  <hex>  name   or  <hex> *name (binary mode)
//	BSD / Fedora CHECKSUM:      SHA256 (name) = <hex>
//
// Fedora's are clearsigned: the PGP armour lines are not entries.
var (
	gnuLine = regexp.MustCompile(`^([0-9a-fA-F]+) [ *](.+)$`)
	bsdLine = regexp.MustCompile(`^(MD5|SHA256|SHA512) \((.+)\) ?= ?([0-9a-fA-F]+)$`)
)

// algoOfLength names the algorithm of a hex digest by its length.
var algoOfLength = map[int]string{32: "md5", 64: "sha256", 128: "sha512"}

type entry struct {
	name, algo, hex string
}

// parseSums reads the entries of a checksum file; lines that are no entry
// (comments, blank lines, PGP armour, "Hash: SHA256") are skipped.
func parseSums(text string) []entry {
	var out []entry
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if m := bsdLine.FindStringSubmatch(line); m != nil {
			if algo := strings.ToLower(m[1]); algoOfLength[len(m[3])] == algo {
				out = append(out, entry{name: m[2], algo: algo, hex: strings.ToLower(m[3])})
			}
			continue
		}
		if m := gnuLine.FindStringSubmatch(line); m != nil {
			if algo, ok := algoOfLength[len(m[1])]; ok {
				out = append(out, entry{name: m[2], algo: algo, hex: strings.ToLower(m[1])})
			}
		}
	}
	return out
}

// checksumFor is the expected_hash value ("sha256:<hex>") of fileName in a
// checksum file; a failure names the argument at fault (0 text, 1 file_name). The name matches an entry's name exactly, or its last path
// element ("./disk.qcow2", "images/disk.qcow2"). Several entries for one file
// must agree per algorithm; the strongest algorithm listed wins.
func checksumFor(text, fileName string) (string, *argError) {
	entries := parseSums(text)
	if len(entries) == 0 {
		return "", textError("the text holds no checksum entries: want lines such as \"<sha256 hex>  %s\" (sha256sum) or \"SHA256 (%s) = <hex>\" (BSD, Fedora CHECKSUM)", fileName, fileName)
	}
	found := map[string]string{}
	for _, e := range entries {
		if e.name != fileName && path.Base(e.name) != fileName {
			continue
		}
		if prev, ok := found[e.algo]; ok && prev != e.hex {
			return "", textError("%s is listed twice with different %s digests (%s and %s)", fileName, e.algo, prev, e.hex)
		}
		found[e.algo] = e.hex
	}
	for _, algo := range []string{"sha512", "sha256", "md5"} {
		if hex, ok := found[algo]; ok {
			return algo + ":" + hex, nil
		}
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.name)
		if len(names) == 5 {
			names = append(names, "…")
			break
		}
	}
	return "", &argError{arg: 1, msg: fmt.Sprintf("no checksum for %q: the file lists %s", fileName, strings.Join(names, ", "))}
}

// argError is a failure of the function and the argument it is about.
type argError struct {
	arg int
	msg string
}

func (e *argError) Error() string { return e.msg }

func textError(format string, args ...any) *argError {
	return &argError{arg: 0, msg: fmt.Sprintf(format, args...)}
}
