package emulator_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/build"
	"github.com/reconciler/reconciler/reconciler"
)

// The engine offers reconciler's optional build capability.
var _ reconciler.ImageBuilder = (*emulator.Engine)(nil)

// tarOf builds a tar build context from path -> content.
func tarOf(t testing.TB, files map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// buildStream runs ImageBuild and returns its whole stream.
func buildStream(t testing.TB, e *emulator.Engine, files map[string]string, opts client.ImageBuildOptions) (string, error) {
	t.Helper()
	res, err := e.ImageBuild(context.Background(), tarOf(t, files), opts)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), nil
}

var appContext = map[string]string{
	"Dockerfile": "FROM alpine:3.21\nWORKDIR /app\nCOPY main.txt .\nRUN echo built > /app/stamp\nCMD [\"cat\", \"/app/main.txt\"]\n",
	"main.txt":   "v1\n",
}

func TestImageBuildStoresImageFilesAndTags(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	stream, err := buildStream(t, e, appContext, client.ImageBuildOptions{Tags: []string{"app:1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Step 1/5 : FROM alpine:3.21", "Successfully built", "Successfully tagged app:1"} {
		if !strings.Contains(stream, want) {
			t.Errorf("stream lacks %q:\n%s", want, stream)
		}
	}
	img, err := e.ImageInspect(ctx, "app:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Config.Cmd; len(got) != 2 || got[1] != "/app/main.txt" {
		t.Errorf("Cmd = %v", got)
	}
	if img.Config.WorkingDir != "/app" {
		t.Errorf("WorkingDir = %q", img.Config.WorkingDir)
	}
	if !strings.Contains(stream, "Successfully built "+strings.TrimPrefix(img.ID, "sha256:")[:12]) {
		t.Errorf("stream does not name image %s", img.ID)
	}
	// The FROM image was pulled, as the classic builder does.
	if _, err := e.ImageInspect(ctx, "alpine:3.21"); err != nil {
		t.Errorf("base image not pulled: %v", err)
	}
	files, err := e.ImageFiles(ctx, "app:1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		if !f.Dir {
			got[f.Path] = string(f.Data)
		}
	}
	if got["/app/main.txt"] != "v1\n" || got["/app/stamp"] != "built\n" {
		t.Errorf("files = %v", got)
	}
	// A pulled catalog image has the catalog's files; an unknown one is not found.
	fs, err := e.ImageFiles(ctx, "alpine:3.21")
	if err != nil || !slices.ContainsFunc(fs, func(f build.File) bool { return f.Path == "/etc/os-release" }) {
		t.Errorf("pulled image files lack /etc/os-release: %v, %v", fs, err)
	}
	if _, err := e.ImageFiles(ctx, "nosuch:1"); !cerrdefs.IsNotFound(err) {
		t.Errorf("unknown image: %v", err)
	}
}

func TestImageBuildCacheAndRetag(t *testing.T) {
	ctx := context.Background()
	e, path := newFileEngine(t)
	first, err := buildStream(t, e, appContext, client.ImageBuildOptions{Tags: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	id1 := must[client.ImageInspectResult](t)(e.ImageInspect(ctx, "app")).ID
	if strings.Contains(first, "Using cache") {
		t.Errorf("first build used a cache:\n%s", first)
	}
	// Another process sees the build cache: same context, same id, cache hits.
	e2, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	second, err := buildStream(t, e2, appContext, client.ImageBuildOptions{Tags: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second, "Using cache") {
		t.Errorf("rebuild did not use the cache:\n%s", second)
	}
	if id := must[client.ImageInspectResult](t)(e2.ImageInspect(ctx, "app")).ID; id != id1 {
		t.Errorf("rebuild id %s != %s", id, id1)
	}
	// Changing a copied file changes the id; the old image is left dangling.
	changed := map[string]string{"Dockerfile": appContext["Dockerfile"], "main.txt": "v2\n"}
	if _, err := buildStream(t, e2, changed, client.ImageBuildOptions{Tags: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	id3 := must[client.ImageInspectResult](t)(e2.ImageInspect(ctx, "app")).ID
	if id3 == id1 {
		t.Fatal("changing a copied file kept the image id")
	}
	old := must[client.ImageInspectResult](t)(e2.ImageInspect(ctx, id1))
	if len(old.RepoTags) != 0 {
		t.Errorf("old image still tagged %v", old.RepoTags)
	}
}

func TestImageBuildEmitsTagEvents(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, _ := newEngine(t)
	pull(t, e, "alpine:3.21")
	ev := e.Events(ctx, client.EventsListOptions{Filters: make(client.Filters).Add("type", "image")})
	if _, err := buildStream(t, e, appContext, client.ImageBuildOptions{Tags: []string{"app:1", "app:latest"}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for len(names) < 2 {
		select {
		case m := <-ev.Messages:
			if m.Action == "tag" {
				names = append(names, m.Actor.Attributes["name"])
			}
		case err := <-ev.Err:
			t.Fatal(err)
		}
	}
	if names[0] != "app:1" || names[1] != "app:latest" {
		t.Errorf("tag events = %v", names)
	}
}

func TestImageBuildErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		body   io.Reader
		opts   client.ImageBuildOptions
		class  func(error) bool // HTTP error class; nil: the error is in the stream
		stream string
	}{
		{name: "not a tar", body: strings.NewReader("not a tar archive at all, just text"),
			class: func(err error) bool { return errors.Is(err, build.ErrNotTar) }},
		{name: "remote context", body: tarOf(t, appContext), opts: client.ImageBuildOptions{RemoteContext: "https://example.com/ctx.tar"},
			class: cerrdefs.IsInvalidArgument},
		{name: "no dockerfile", body: tarOf(t, map[string]string{"a.txt": "x"}),
			class: func(err error) bool { return errors.Is(err, build.ErrNoDockerfile) }},
		{name: "run fails", body: tarOf(t, map[string]string{"Dockerfile": "FROM alpine:3.21\nRUN exit 3\n"}),
			stream: "returned a non-zero code: 3"},
		{name: "copy missing", body: tarOf(t, map[string]string{"Dockerfile": "FROM alpine:3.21\nCOPY nothere /x\n"}),
			stream: "nothere"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			opts := tc.opts
			opts.Tags = []string{"broken"}
			res, err := e.ImageBuild(ctx, tc.body, opts)
			if tc.class != nil {
				if !tc.class(err) {
					t.Fatalf("err = %v", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				if !strings.Contains(string(b), tc.stream) || !strings.Contains(string(b), `"error"`) {
					t.Errorf("stream lacks %q error:\n%s", tc.stream, b)
				}
			}
			if _, err := e.ImageInspect(ctx, "broken"); !cerrdefs.IsNotFound(err) {
				t.Errorf("a failed build stored an image: %v", err)
			}
		})
	}
}

// BenchmarkImageBuild20Steps1MB is a build through the engine (store included) of
// a 20-instruction Dockerfile with a 1 MB context (16 files of 64 KiB), cache
// cold each time (NoCache).
func BenchmarkImageBuild20Steps1MB(b *testing.B) {
	e, _ := newEngine(b)
	pull(b, e, "alpine:3.21")
	files := map[string]string{}
	df := "FROM alpine:3.21\nWORKDIR /app\nENV MODE=prod\n"
	for i := 0; i < 16; i++ {
		name := "f" + string(rune('a'+i)) + ".bin"
		files[name] = strings.Repeat(string(rune('a'+i)), 64<<10)
		if i < 14 {
			df += "COPY " + name + " ./\n"
		}
	}
	df += "RUN echo done > /app/done\nCMD [\"cat\", \"/app/done\"]\nEXPOSE 8080\n"
	files["Dockerfile"] = df
	ctxTar := tarOf(b, files).Bytes()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := e.ImageBuild(context.Background(), bytes.NewReader(ctxTar), client.ImageBuildOptions{Tags: []string{"bench"}, NoCache: true})
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		if !bytes.Contains(out, []byte("Successfully tagged bench:latest")) {
			b.Fatalf("build failed:\n%s", out)
		}
	}
}

// A build FROM a pulled catalog image starts from that image's files: RUN
// reads them, and a container of the built image sees them with what the
// build added.
func TestImageBuildFromCatalogImageHasItsFiles(t *testing.T) {
	e, _ := newEngine(t)
	stream, err := buildStream(t, e, map[string]string{
		"Dockerfile": "FROM nginx:1.27\nRUN grep -c server_name /etc/nginx/conf.d/default.conf > /count\nCOPY index.html /usr/share/nginx/html/\n",
		"index.html": "mine\n",
	}, client.ImageBuildOptions{Tags: []string{"site:1"}})
	if err != nil || !strings.Contains(stream, "Successfully tagged site:1") {
		t.Fatalf("build: %v\n%s", err, stream)
	}
	id := run(t, e, client.ContainerCreateOptions{Name: "site", Image: "site:1"})
	code, out, errOut := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c",
		"cat /count /usr/share/nginx/html/index.html; ls /usr/share/nginx/html; grep ^nginx: /etc/passwd"}})
	want := "1\nmine\n50x.html\nindex.html\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n"
	if code != 0 || out != want {
		t.Errorf("exec in the built image: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
}
