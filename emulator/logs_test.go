package emulator_test

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// readLogs reads a non-TTY log stream and splits its frames by stream.
func readLogs(t *testing.T, e *emulator.Engine, ref string, opts client.ContainerLogsOptions) (stdout, stderr string) {
	t.Helper()
	rc, err := e.ContainerLogs(context.Background(), ref, opts)
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	defer rc.Close()
	var o, er bytes.Buffer
	if _, err := stdcopy.StdCopy(&o, &er, rc); err != nil {
		t.Fatalf("demux: %v", err)
	}
	return o.String(), er.String()
}

func TestContainerLogs(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	script := "echo one; echo oops >&2; sleep 2; echo two; exit 3"
	id := run(t, e, client.ContainerCreateOptions{Name: "job", Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", script}}})
	start := clk.Now().UTC()
	clk.Advance(time.Minute)
	stamp := func(d time.Duration) string { return start.Add(d).Format("2006-01-02T15:04:05.000000000Z") + " " }
	cases := []struct {
		name             string
		opts             client.ContainerLogsOptions
		wantOut, wantErr string
	}{
		{"both streams", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true}, "one\ntwo\n", "oops\n"},
		{"stdout only", client.ContainerLogsOptions{ShowStdout: true}, "one\ntwo\n", ""},
		{"stderr only", client.ContainerLogsOptions{ShowStderr: true}, "", "oops\n"},
		{"tail 1", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "1"}, "two\n", ""},
		{"tail all", client.ContainerLogsOptions{ShowStdout: true, Tail: "all"}, "one\ntwo\n", ""},
		{"timestamps", client.ContainerLogsOptions{ShowStdout: true, Timestamps: true}, stamp(0) + "one\n" + stamp(2*time.Second) + "two\n", ""},
		{"since after the first lines", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true,
			Since: start.Add(time.Second).Format(time.RFC3339)}, "two\n", ""},
		{"until before the sleep ends", client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true,
			Until: start.Add(time.Second).Format(time.RFC3339)}, "one\n", "oops\n"},
		{"since as unix seconds (the moby client's form)", client.ContainerLogsOptions{ShowStdout: true,
			Since: strconv.FormatInt(start.Add(time.Second).Unix(), 10) + ".000000000"}, "two\n", ""},
		{"since as a duration back from now", client.ContainerLogsOptions{ShowStdout: true, Since: "59s"}, "two\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut := readLogs(t, e, id, tc.opts)
			if out != tc.wantOut || errOut != tc.wantErr {
				t.Errorf("stdout %q stderr %q, want %q %q", out, errOut, tc.wantOut, tc.wantErr)
			}
		})
	}
	if _, err := e.ContainerLogs(context.Background(), id, client.ContainerLogsOptions{}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("no stream chosen: %v, want invalid argument", err)
	}
	if _, err := e.ContainerLogs(context.Background(), "nope", client.ContainerLogsOptions{ShowStdout: true}); !cerrdefs.IsNotFound(err) {
		t.Errorf("unknown container: %v, want not found", err)
	}
}

// A TTY container's logs are raw, lines ending in \r\n; a catalog server
// prints its start-up lines.
func TestContainerLogsTTYAndServer(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	pull(t, e, "redis")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Tty: true, Cmd: []string{"echo", "hi"}}})
	rc, err := e.ContainerLogs(context.Background(), id, client.ContainerLogsOptions{ShowStdout: true})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(rc)
	if string(raw) != "hi\r\n" {
		t.Errorf("tty logs %q, want %q", raw, "hi\r\n")
	}
	rid := run(t, e, client.ContainerCreateOptions{Image: "redis"})
	clk.Advance(time.Minute)
	out, _ := readLogs(t, e, rid, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if !strings.Contains(out, "Ready to accept connections") {
		t.Errorf("redis logs lack its ready line:\n%s", out)
	}
}

// Follow delivers lines as the clock reaches them and ends when the container exits.
func TestContainerLogsFollow(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", "echo a; sleep 5; echo b"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rc, err := e.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	clk.Advance(10 * time.Second)
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, rc); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\nb\n" {
		t.Errorf("followed %q, want %q", out.String(), "a\nb\n")
	}
}
