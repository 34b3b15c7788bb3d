// SPDX-License-Identifier: BSD-3-Clause
//
// An independent oracle for the log formats: Go's golang.org/x/mod/sumdb/note
// and sumdb/tlog (Debian golang-golang-x-mod-dev, built offline) check what
// vectra produces, and produce what vectra must accept.
//
//	oracle keygen DIR        a Go key (go.skey, go.vkey) and a Go-signed
//	                         checkpoint note (go.note) for vectra to verify
//	oracle check URL CP VKEY...
//	                         open CP with every VKEY (each must have signed),
//	                         then fetch every entry and every inclusion and
//	                         consistency proof from the vectra log at URL and
//	                         check them with tlog against tlog's own hashes
//
// Output is TAP lines (no plan; run.sh prints it).
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var n int

func tap(ok bool, format string, args ...interface{}) {
	n++
	s := "ok"
	if !ok {
		s = "not ok"
	}
	fmt.Printf("%s %d - %s\n", s, n, fmt.Sprintf(format, args...))
}

func get(url string) []byte {
	r, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil || r.StatusCode != 200 {
		panic(fmt.Sprintf("%s: %d %v", url, r.StatusCode, err))
	}
	return b
}

func hashes(b []byte) []tlog.Hash {
	var out []tlog.Hash
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		var h tlog.Hash
		d, err := hex.DecodeString(line)
		if err != nil || len(d) != 32 {
			panic("bad hash line " + line)
		}
		copy(h[:], d)
		out = append(out, h)
	}
	return out
}

func keygen(dir string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "go.example/log")
	if err != nil {
		panic(err)
	}
	os.WriteFile(filepath.Join(dir, "go.skey"), []byte(skey+"\n"), 0600)
	os.WriteFile(filepath.Join(dir, "go.vkey"), []byte(vkey+"\n"), 0644)
	signer, err := note.NewSigner(skey)
	if err != nil {
		panic(err)
	}
	root := make([]byte, 32)
	rand.Read(root)
	text := "go.example/log\n5\n" + base64.StdEncoding.EncodeToString(root) + "\n"
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		panic(err)
	}
	os.WriteFile(filepath.Join(dir, "go.note"), msg, 0644)
}

func check(url, cpfile string, vkeys []string) {
	var vs []note.Verifier
	for _, f := range vkeys {
		b, _ := os.ReadFile(f)
		v, err := note.NewVerifier(strings.TrimSpace(string(b)))
		tap(err == nil, "Go parses the verifier key %s", filepath.Base(f))
		if err != nil {
			return
		}
		vs = append(vs, v)
	}
	msg, _ := os.ReadFile(cpfile)
	nt, err := note.Open(msg, note.VerifierList(vs...))
	tap(err == nil && len(nt.Sigs) == len(vs), "Go's note.Open verifies all %d signatures on the checkpoint (%v)", len(vs), err)
	if err != nil {
		return
	}
	lines := strings.Split(nt.Text, "\n")
	size, err1 := strconv.ParseInt(lines[1], 10, 64)
	rootb, err2 := base64.StdEncoding.DecodeString(lines[2])
	tap(err1 == nil && err2 == nil && len(rootb) == 32 && lines[3] == "", "the checkpoint body is origin, size, base64 root")
	var root tlog.Hash
	copy(root[:], rootb)

	// tlog's own stored hashes, from the entries as served.
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	leaves := make([]tlog.Hash, size)
	for i := int64(0); i < size; i++ {
		data := get(fmt.Sprintf("%s/entry?index=%d", url, i))
		leaves[i] = tlog.RecordHash(data)
		h, err := tlog.StoredHashes(i, data, reader)
		if err != nil {
			panic(err)
		}
		stored = append(stored, h...)
	}
	th, err := tlog.TreeHash(size, reader)
	tap(err == nil && th == root, "tlog.TreeHash of the %d entries equals the checkpoint root", size)

	bad := 0
	for i := int64(0); i < size; i++ {
		p := hashes(get(fmt.Sprintf("%s/proof/inclusion?index=%d&size=%d", url, i, size)))
		if tlog.CheckRecord(tlog.RecordProof(p), size, root, i, leaves[i]) != nil {
			bad++
		}
		want, _ := tlog.ProveRecord(size, i, reader)
		if len(want) != len(p) || (len(p) > 0 && !bytes.Equal(want[0][:], p[0][:])) {
			bad++
		}
	}
	tap(bad == 0, "tlog.CheckRecord accepts all %d inclusion proofs, equal to tlog.ProveRecord", size)
	bad = 0
	for m := int64(1); m <= size; m++ {
		old, _ := tlog.TreeHash(m, reader)
		p := hashes(get(fmt.Sprintf("%s/proof/consistency?old=%d&size=%d", url, m, size)))
		if tlog.CheckTree(tlog.TreeProof(p), size, root, m, old) != nil {
			bad++
		}
	}
	tap(bad == 0, "tlog.CheckTree accepts all %d consistency proofs", size)
	// And a forged one is refused by Go too.
	p := hashes(get(fmt.Sprintf("%s/proof/inclusion?index=0&size=%d", url, size)))
	p[0][0] ^= 1
	tap(tlog.CheckRecord(tlog.RecordProof(p), size, root, 0, leaves[0]) != nil, "a tampered proof fails in tlog too")
}

func main() {
	defer func() {
		if r := recover(); r != nil {
			tap(false, "oracle: %v", r)
			os.Exit(1)
		}
	}()
	switch {
	case len(os.Args) == 3 && os.Args[1] == "keygen":
		keygen(os.Args[2])
	case len(os.Args) >= 5 && os.Args[1] == "check":
		check(os.Args[2], os.Args[3], os.Args[4:])
	default:
		fmt.Fprintln(os.Stderr, "usage: oracle keygen DIR | oracle check URL CP VKEY...")
		os.Exit(2)
	}
}
