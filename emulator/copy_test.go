package emulator_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func cpTar(t *testing.T, files map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{"conf/", "conf/app.ini", "README"} {
		content, ok := files[name]
		if !ok {
			continue
		}
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(name, "/") {
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, content)
	}
	tw.Close()
	return &buf
}

func untar(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
}

func TestCopyFiles(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{}),
		HostConfig: &container.HostConfig{Binds: []string{"vol:/data"}}})
	must[client.CopyToContainerResult](t)(e.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/data",
		Content: cpTar(t, map[string]string{"conf/": "", "conf/app.ini": "port=80\n", "README": "hi\n"})}))
	// An exec sees what was copied; what an exec writes can be copied out.
	if code, out, _ := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat /data/conf/app.ini; echo made > /data/conf/new"}}); code != 0 || out != "port=80\n" {
		t.Errorf("exec after copy: %d %q", code, out)
	}
	res := must[client.CopyFromContainerResult](t)(e.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: "/data/conf"}))
	got := untar(t, res.Content)
	want := map[string]string{"conf/": "", "conf/app.ini": "port=80\n", "conf/new": "made\n"}
	if len(got) != len(want) || got["conf/app.ini"] != want["conf/app.ini"] || got["conf/new"] != want["conf/new"] || !res.Stat.Mode.IsDir() {
		t.Errorf("copied out %v (stat %+v), want %v", got, res.Stat, want)
	}
	st := must[client.ContainerStatPathResult](t)(e.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: "/data/README"}))
	if st.Stat.Name != "README" || st.Stat.Size != 3 || st.Stat.Mode.IsDir() {
		t.Errorf("stat %+v", st.Stat)
	}
	// Works on a stopped container too; errors as dockerd's.
	stopped(t, e, clk, id)
	if _, err := e.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: "/data/README"}); err != nil {
		t.Errorf("stat on a stopped container: %v", err)
	}
	errCases := []struct {
		name string
		err  error
		is   func(error) bool
	}{
		{"stat missing", second(e.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: "/nope"})), cerrdefs.IsNotFound},
		{"copy from missing", second(e.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: "/nope"})), cerrdefs.IsNotFound},
		{"copy to missing dir", second(e.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/nope", Content: cpTar(t, map[string]string{"README": "x"})})), cerrdefs.IsNotFound},
		{"copy to a file", second(e.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/data/README", Content: cpTar(t, map[string]string{"README": "x"})})), cerrdefs.IsInvalidArgument},
		{"not a tar", second(e.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/data", Content: strings.NewReader(strings.Repeat("not a tar archive ", 40))})), cerrdefs.IsInvalidArgument},
	}
	for _, tc := range errCases {
		if !tc.is(tc.err) {
			t.Errorf("%s: %v", tc.name, tc.err)
		}
	}
	res = must[client.CopyFromContainerResult](t)(e.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: "/data/README"}))
	if got := untar(t, res.Content); got["README"] != "hi\n" {
		t.Errorf("failed copies changed the file: %v", got)
	}
}

func second[T any](_ T, err error) error { return err }
