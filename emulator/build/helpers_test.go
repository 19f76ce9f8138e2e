package build

import (
	"archive/tar"
	"bytes"
	"context"
	"sort"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
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

func newResolver() *catalogResolver { return &catalogResolver{c: registry.Default()} }

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

var _ = cerrdefs.ErrNotFound
