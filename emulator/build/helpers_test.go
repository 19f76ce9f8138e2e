package build

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/emulator/registry"
)

// tarOf makes a build context from path -> content (a path ending in "/"
// is a directory), in sorted order.
func tarOf(t testing.TB, files map[string]string) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}
		if n[len(n)-1] == '/' {
			h = &tar.Header{Name: n, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(files[n])); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// catalogResolver resolves FROM names in the built-in registry catalog and
// gives every image a small filesystem.
type catalogResolver struct {
	c     *registry.Catalog
	calls []string
}

// newResolver resolves in the built-in catalog, where nosuchuser/* is denied.
func newResolver() *catalogResolver {
	c := registry.Default()
	if err := c.Deny("nosuchuser/private-thing"); err != nil {
		panic(err)
	}
	return &catalogResolver{c: c}
}

func (r *catalogResolver) ResolveImage(_ context.Context, ref string) (BaseImage, error) {
	r.calls = append(r.calls, ref)
	img, err := r.c.Lookup(ref)
	if err != nil {
		return BaseImage{}, err
	}
	return BaseImage{Image: img, Files: []File{
		{Path: "/bin", Dir: true, Mode: 0o755},
		{Path: "/bin/sh", Mode: 0o755, Data: []byte("busybox")},
		{Path: "/etc/os-release", Mode: 0o644, Data: []byte("NAME=" + ref + "\n")},
		{Path: "/tmp", Dir: true, Mode: 0o777},
	}}, nil
}

// messages decodes a build stream, checking every line ends with "\r\n".
func messages(t testing.TB, stream []byte) []message {
	t.Helper()
	var out []message
	for _, line := range bytes.SplitAfter(stream, []byte("\r\n")) {
		if len(line) == 0 {
			continue
		}
		if !bytes.HasSuffix(line, []byte("\r\n")) {
			t.Fatalf("stream line %q does not end with CRLF", line)
		}
		var m struct {
			message
			Aux map[string]string `json:"aux"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("stream line %q: %v", line, err)
		}
		msg := m.message
		if m.Aux != nil {
			msg.Aux = m.Aux
		}
		out = append(out, msg)
	}
	return out
}

// texts joins the stream messages' text.
func texts(ms []message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Stream)
	}
	return b.String()
}

func build(t testing.TB, files map[string]string, opts Options) (*Result, error) {
	t.Helper()
	return Build(context.Background(), tarOf(t, files), opts, newResolver())
}

func mustBuild(t testing.TB, files map[string]string, opts Options) *Result {
	t.Helper()
	res, err := build(t, files, opts)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Stream)
	}
	return res
}

func fileData(res *Result, p string) (string, bool) {
	for _, f := range res.Files {
		if f.Path == p {
			return string(f.Data), !f.Dir
		}
	}
	return "", false
}
