package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/api"
)

// fake is a small Backend for wire tests: the embedded nil Backend makes every
// method not overridden below panic (which the handler must survive), and the
// overridden ones record what reached them.
type fake struct {
	api.Backend

	mu      sync.Mutex
	removes []client.ContainerRemoveOptions
	paths   []string
	events  []events.Message
	startFn func() error
}

func (f *fake) Ping(context.Context, client.PingOptions) (client.PingResult, error) {
	return client.PingResult{OSType: "linux"}, nil
}

func (f *fake) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	return client.ServerVersionResult{Version: "fake-1"}, nil
}

func (f *fake) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{Container: container.InspectResponse{ID: id, Config: &container.Config{Tty: id == "tty"}}}, nil
}

func (f *fake) ContainerRemove(_ context.Context, _ string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removes = append(f.removes, o)
	return client.ContainerRemoveResult{}, nil
}

func (f *fake) ContainerStart(context.Context, string, client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, f.startFn()
}

func (f *fake) Events(ctx context.Context, _ client.EventsListOptions) client.EventsResult {
	msgs, errc := make(chan events.Message), make(chan error, 1)
	go func() {
		for _, m := range f.events {
			select {
			case msgs <- m:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		if f.events != nil {
			close(msgs)
			return
		}
		<-ctx.Done() // stream stays open until the client or the server goes
		errc <- ctx.Err()
	}()
	return client.EventsResult{Messages: msgs, Err: errc}
}

// fakeArchive adds the archive capability.
type fakeArchive struct{ *fake }

func (f fakeArchive) record(p string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, p)
}

func (f fakeArchive) ContainerStatPath(_ context.Context, _ string, o client.ContainerStatPathOptions) (client.ContainerStatPathResult, error) {
	f.record(o.Path)
	return client.ContainerStatPathResult{Stat: container.PathStat{Name: "x"}}, nil
}

func (f fakeArchive) CopyFromContainer(_ context.Context, _ string, o client.CopyFromContainerOptions) (client.CopyFromContainerResult, error) {
	f.record(o.SourcePath)
	return client.CopyFromContainerResult{Content: io.NopCloser(strings.NewReader("tar")), Stat: container.PathStat{Name: "x"}}, nil
}

func (f fakeArchive) CopyToContainer(_ context.Context, _ string, o client.CopyToContainerOptions) (client.CopyToContainerResult, error) {
	f.record(o.DestinationPath)
	return client.CopyToContainerResult{}, nil
}

// fakeStreams adds logs and attach.
type fakeStreams struct{ *fake }

func (fakeStreams) ContainerLogs(context.Context, string, client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.Write(frame(1, "out\n"))
		pw.Write(frame(2, "err\n"))
		pw.Close()
	}()
	return pr, nil
}

// ContainerAttach echoes each stdin line back upper-cased on stdout, then ends.
func (fakeStreams) ContainerAttach(context.Context, string, client.ContainerAttachOptions) (client.ContainerAttachResult, error) {
	srv, cli := net.Pipe()
	go func() {
		defer srv.Close()
		line, err := bufio.NewReader(srv).ReadString('\n')
		if err != nil {
			return
		}
		srv.Write(frame(1, strings.ToUpper(line)))
	}()
	return client.ContainerAttachResult{HijackedResponse: client.NewHijackedResponse(cli, "")}, nil
}

// frame is one multiplexed-stream frame: [stream 0 0 0 size_be32] payload.
func frame(stream byte, payload string) []byte {
	n := len(payload)
	return append([]byte{stream, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, payload...)
}

func fakeServer(t *testing.T, b api.Backend) (*httptest.Server, *client.Client) {
	t.Helper()
	srv := httptest.NewServer(api.NewHandler(b, api.Options{}))
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close(); srv.Close() })
	return srv, cli
}

// TestQueryBooleans sends the spellings dockerd's BoolValue accepts.
func TestQueryBooleans(t *testing.T) {
	f := &fake{}
	srv, _ := fakeServer(t, f)
	tests := []struct {
		query string
		want  client.ContainerRemoveOptions
	}{
		{"v=False&link=False&force=True", client.ContainerRemoveOptions{Force: true}},
		{"v=1&link=0&force=true", client.ContainerRemoveOptions{RemoveVolumes: true, Force: true}},
		{"v=yes&link=no&force=none", client.ContainerRemoveOptions{RemoveVolumes: true}},
		{"v=%20TRUE%20&force=", client.ContainerRemoveOptions{RemoveVolumes: true}},
		{"", client.ContainerRemoveOptions{}},
	}
	for _, tt := range tests {
		if r := do(t, srv, "DELETE", "/v1.41/containers/c?"+tt.query, "", ""); r.code != 204 {
			t.Fatalf("DELETE ?%s = %d %q", tt.query, r.code, r.body)
		}
		f.mu.Lock()
		got := f.removes[len(f.removes)-1]
		f.mu.Unlock()
		if got != tt.want {
			t.Errorf("?%s reached the backend as %+v, want %+v", tt.query, got, tt.want)
		}
	}
}

// TestErrorClassStatus maps each errdefs class to dockerd's status code.
func TestErrorClassStatus(t *testing.T) {
	f := &fake{}
	srv, _ := fakeServer(t, f)
	tests := []struct {
		err  error
		code int
	}{
		{cerrdefs.ErrNotFound.WithMessage("No such container: c"), 404},
		{cerrdefs.ErrInvalidArgument.WithMessage("bad"), 400},
		{cerrdefs.ErrConflict.WithMessage("conflict"), 409},
		{cerrdefs.ErrAlreadyExists.WithMessage("exists"), 409},
		{cerrdefs.ErrPermissionDenied.WithMessage("forbidden"), 403},
		{cerrdefs.ErrUnauthenticated.WithMessage("who"), 401},
		{cerrdefs.ErrUnavailable.WithMessage("later"), 503},
		{cerrdefs.ErrNotImplemented.WithMessage("no"), 501},
		{cerrdefs.ErrFailedPrecondition.WithMessage("pre"), 412},
		{fmt.Errorf("wrapped: %w", cerrdefs.ErrNotFound.WithMessage("deep")), 404},
		{errors.New("plain failure"), 500},
	}
	for _, tt := range tests {
		f.startFn = func() error { return tt.err }
		r := do(t, srv, "POST", "/containers/c/start", "", "")
		if r.code != tt.code || message(t, r) != tt.err.Error() {
			t.Errorf("%v: %d %q, want %d with the error text", tt.err, r.code, r.body, tt.code)
		}
	}
	f.startFn = func() error { return cerrdefs.ErrNotModified }
	if r := do(t, srv, "POST", "/containers/c/start", "", ""); r.code != 304 || r.body != "" {
		t.Errorf("not modified: %d %q, want empty 304", r.code, r.body)
	}
}

// TestPanicAnswers500 checks that a backend panic is one 500, not a dead server.
func TestPanicAnswers500(t *testing.T) {
	srv, _ := fakeServer(t, &fake{})
	r := do(t, srv, "GET", "/networks", "", "") // NetworkList is not implemented by the fake
	if r.code != 500 || !strings.HasPrefix(message(t, r), "internal error:") {
		t.Errorf("panic: %d %q", r.code, r.body)
	}
	if r := do(t, srv, "GET", "/_ping", "", ""); r.code != 200 {
		t.Errorf("ping after panic = %d", r.code)
	}
}

// TestMissingCapabilities answers 501 naming the interface.
func TestMissingCapabilities(t *testing.T) {
	srv, _ := fakeServer(t, &fake{})
	tests := []struct{ method, path, iface string }{
		{"GET", "/containers/c/logs?stdout=1", "LogsBackend"},
		{"GET", "/containers/c/stats?stream=0", "StatsBackend"},
		{"POST", "/containers/c/attach?stream=1&stdout=1", "AttachBackend"},
		{"POST", "/containers/c/exec", "ExecBackend"},
		{"POST", "/exec/e/start", "ExecBackend"},
		{"GET", "/exec/e/json", "ExecBackend"},
		{"POST", "/build", "BuildBackend"},
		{"HEAD", "/containers/c/archive?path=/", "ArchiveBackend"},
		{"PUT", "/containers/c/archive?path=/", "ArchiveBackend"},
		{"POST", "/containers/c/resize?h=1&w=2", "ResizeBackend"},
		{"POST", "/exec/e/resize?h=1&w=2", "ResizeBackend"},
		{"POST", "/containers/c/update", "UpdateBackend"},
		{"POST", "/commit?container=c", "CommitBackend"},
		{"GET", "/containers/c/changes", "DiffBackend"},
		{"GET", "/containers/c/export", "ExportBackend"},
		{"GET", "/images/get?names=busybox", "ImageArchiveBackend"},
		{"GET", "/images/docker.io/library/busybox/get", "ImageArchiveBackend"},
		{"POST", "/images/load", "ImageArchiveBackend"},
	}
	for _, tt := range tests {
		r := do(t, srv, tt.method, tt.path, "", "")
		if r.code != 501 {
			t.Errorf("%s %s = %d, want 501", tt.method, tt.path, r.code)
			continue
		}
		if tt.method != "HEAD" && !strings.Contains(message(t, r), "api."+tt.iface) {
			t.Errorf("%s %s message %q does not name %s", tt.method, tt.path, r.body, tt.iface)
		}
	}
}

// TestArchivePathTraversal: "../" never leaves the container root, and missing or
// NUL-bearing paths are rejected before the backend.
func TestArchivePathTraversal(t *testing.T) {
	f := &fake{}
	srv, _ := fakeServer(t, fakeArchive{f})
	tests := []struct {
		method, path string
		code         int
		want         string // path reaching the backend ("" = must not reach it)
	}{
		{"GET", "/containers/c/archive?path=../../etc/passwd", 200, "/etc/passwd"},
		{"HEAD", "/containers/c/archive?path=/a/../../../b", 200, "/b"},
		{"PUT", "/containers/c/archive?path=/tmp/../..", 200, "/"},
		{"GET", "/containers/c/archive?path=/data/./", 200, "/data/"},
		{"GET", "/containers/c/archive?path=/data/.", 200, "/data/."},
		{"GET", "/containers/c/archive", 400, ""},
		{"PUT", "/containers/c/archive?path=/a%00b", 400, ""},
	}
	for _, tt := range tests {
		f.mu.Lock()
		f.paths = nil
		f.mu.Unlock()
		r := do(t, srv, tt.method, tt.path, "", "")
		if r.code != tt.code {
			t.Errorf("%s %s = %d %q, want %d", tt.method, tt.path, r.code, r.body, tt.code)
		}
		f.mu.Lock()
		got := f.paths
		f.mu.Unlock()
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("%s %s reached the backend with %v", tt.method, tt.path, got)
		case tt.want != "" && (len(got) != 1 || got[0] != tt.want):
			t.Errorf("%s %s reached the backend as %v, want %q", tt.method, tt.path, got, tt.want)
		}
	}
	if r := do(t, srv, "GET", "/containers/c/archive", "", ""); message(t, r) != "bad parameter: path cannot be empty" {
		t.Errorf("empty path message = %q", r.body)
	}
}

// TestLegacyEventFields: before API 1.52 container events carry status, id and
// from; from 1.52 they do not.
func TestLegacyEventFields(t *testing.T) {
	msg := events.Message{Type: events.ContainerEventType, Action: events.ActionStart, Actor: events.Actor{ID: "abc", Attributes: map[string]string{"image": "busybox"}}, Time: 1, TimeNano: 1}
	srv, _ := fakeServer(t, &fake{events: []events.Message{msg}})
	old := do(t, srv, "GET", "/v1.41/events", "", "")
	if !strings.Contains(old.body, `"status":"start","id":"abc","from":"busybox"`) {
		t.Errorf("1.41 event = %s", old.body)
	}
	if ct := old.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("1.41 events Content-Type = %q", ct)
	}
	cur := do(t, srv, "GET", "/v1.52/events", "", "")
	if strings.Contains(cur.body, `"status"`) || !strings.Contains(cur.body, `"Action":"start"`) {
		t.Errorf("1.52 event = %s", cur.body)
	}
	for version, want := range map[string]string{"1.51": "application/json", "1.52": "application/x-ndjson", "1.57": "application/jsonl"} {
		req, _ := http.NewRequest("GET", srv.URL+"/v"+version+"/events", nil)
		req.Header.Add("Accept", "application/jsonl")
		req.Header.Add("Accept", "application/x-ndjson;q=0.9")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != want {
			t.Errorf("events at %s with Accept jsonl, ndjson: Content-Type %q, want %q", version, ct, want)
		}
	}
}

// TestLogsAndAttach streams through the optional capabilities with moby's client:
// logs are demultiplexed, and attach gets a hijacked two-way connection.
func TestLogsAndAttach(t *testing.T) {
	_, cli := fakeServer(t, fakeStreams{&fake{}})
	ctx := context.Background()
	logs, err := cli.ContainerLogs(ctx, "c", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	if _, err := stdcopy.StdCopy(&out, &errb, logs); err != nil {
		t.Fatal(err)
	}
	logs.Close()
	if out.String() != "out\n" || errb.String() != "err\n" {
		t.Errorf("logs stdout %q stderr %q", out.String(), errb.String())
	}

	att, err := cli.ContainerAttach(ctx, "c", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if _, err := att.Conn.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := stdcopy.StdCopy(&out, io.Discard, att.Reader); err != nil {
		t.Fatal(err)
	}
	if out.String() != "HELLO\n" {
		t.Errorf("attach echoed %q", out.String())
	}
}

// TestServeShutdownEndsStreams: cancelling Serve's context ends an open events
// stream and Serve returns nil.
func TestServeShutdownEndsStreams(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, l, &fake{}, api.Options{}) }()
	cli, err := client.New(client.WithHost("tcp://" + l.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.Ping(context.Background(), client.PingOptions{}); err != nil {
		t.Fatal(err)
	}
	res := cli.Events(context.Background(), client.EventsListOptions{})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil after a graceful shutdown", err)
	}
	if err := <-res.Err; err == nil {
		t.Errorf("events stream still open after shutdown")
	}
}

func (f *fake) DiskUsage(context.Context, client.DiskUsageOptions) (client.DiskUsageResult, error) {
	return client.DiskUsageResult{Images: client.ImagesDiskUsage{TotalCount: 1, TotalSize: 5, Items: []image.Summary{{ID: "sha256:x"}}}}, nil
}

// TestDiskUsageShapes follows /system/df through its API versions.
func TestDiskUsageShapes(t *testing.T) {
	srv, _ := fakeServer(t, &fake{})
	tests := []struct {
		path       string
		want, lack []string // top-level keys present / absent
	}{
		{"/v1.41/system/df", []string{"LayersSize", "Images", "BuilderSize"}, []string{"ImageUsage"}},
		{"/v1.44/system/df", []string{"LayersSize", "Images", "Volumes"}, []string{"BuilderSize", "ImageUsage"}},
		{"/v1.52/system/df", []string{"LayersSize", "Images", "ImageUsage"}, []string{"BuilderSize"}},
		{"/v1.52/system/df?verbose=1", []string{"ImageUsage"}, []string{"Images", "LayersSize"}},
		{"/v1.57/system/df", []string{"ImageUsage", "ContainerUsage"}, []string{"Images", "LayersSize"}},
	}
	for _, tt := range tests {
		r := do(t, srv, "GET", tt.path, "", "")
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.body), &m); err != nil || r.code != 200 {
			t.Fatalf("GET %s = %d %q: %v", tt.path, r.code, r.body, err)
		}
		for _, k := range tt.want {
			if _, ok := m[k]; !ok {
				t.Errorf("GET %s lacks %s: %s", tt.path, k, r.body)
			}
		}
		for _, k := range tt.lack {
			if _, ok := m[k]; ok {
				t.Errorf("GET %s has %s: %s", tt.path, k, r.body)
			}
		}
	}
}
