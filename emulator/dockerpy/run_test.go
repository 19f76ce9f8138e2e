package dockerpy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func testEngine(t *testing.T) *emulator.Engine {
	t.Helper()
	eng, err := emulator.Open(":memory:", emulator.WithClock(clockwork.NewFakeClockAt(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// killOnStart kills the first container that starts, standing in for a
// process that exits by itself (the emulator's runtime is not there yet).
func killOnStart(ctx context.Context, cli *Client) <-chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		f := client.Filters{}.Add("type", "container").Add("event", "start")
		// Since "0" replays the log, so a start that happens before the
		// subscription is established is still seen.
		for m, err := range cli.Events(ctx, EventsOptions{Since: "0", Filters: f}) {
			if err != nil {
				done <- err
				return
			}
			_, err = cli.engine.ContainerKill(ctx, m.Actor.ID, client.ContainerKillOptions{Signal: "SIGKILL"})
			done <- err
			return
		}
	}()
	return done
}

// logsEngine wraps the emulator with a ContainerLogs that serves fixed,
// multiplexed output, to exercise the attached-run output path.
type withLogs struct {
	*emulator.Engine
	stdout, stderr string
}

func (w withLogs) ContainerLogs(ctx context.Context, id string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	var b bytes.Buffer
	frame := func(stream byte, s string) {
		n := len(s)
		b.Write([]byte{stream, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		b.WriteString(s)
	}
	if o.ShowStdout {
		frame(1, w.stdout)
	}
	if o.ShowStderr {
		frame(2, w.stderr)
	}
	return io.NopCloser(&b), nil
}

func TestRunAttached(t *testing.T) {
	tests := []struct {
		name       string
		logs       bool
		remove     bool
		wantStderr []byte
	}{
		{"without logs", false, false, nil},
		{"with logs", true, false, []byte("bad\n")},
		{"remove", true, true, []byte("bad\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := testEngine(t)
			var e Engine = eng
			if tt.logs {
				e = withLogs{Engine: eng, stdout: "out\n", stderr: "bad\n"}
			}
			cli := New(e)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// Subscribe before the run so the start event is seen.
			killed := killOnStart(ctx, cli)
			c, out, err := cli.Containers.Run(ctx, "busybox", RunOptions{Name: "job", Command: []string{"sleep", "3600"}, Remove: tt.remove})
			if kerr := <-killed; kerr != nil {
				t.Fatalf("kill: %v", kerr)
			}
			var ce *ContainerError
			if !errors.As(err, &ce) {
				t.Fatalf("Run error %v, want *ContainerError", err)
			}
			if ce.ExitStatus != 137 || ce.Image != "busybox" || ce.Container == nil || ce.Container.Name() != "job" || !bytes.Equal(ce.Stderr, tt.wantStderr) {
				t.Errorf("ContainerError %+v", ce)
			}
			if c == nil || c.ID() != ce.Container.ID() {
				t.Errorf("container %v", c)
			}
			if tt.logs && string(out) != "out\n" {
				t.Errorf("output %q", out)
			}
			if !tt.logs && out != nil {
				t.Errorf("output %q without a logs engine", out)
			}
			_, gerr := cli.Containers.Get(ctx, "job")
			if gone := errors.As(gerr, new(*NotFound)); gone != tt.remove {
				t.Errorf("container removed = %v, want %v (%v)", gone, tt.remove, gerr)
			}
		})
	}
}

// fakeEngine overrides single engine methods; any other call panics.
type fakeEngine struct {
	Engine
	create  func() error
	inspect func() error
	pull    func() error
	pulls   int
}

func (f *fakeEngine) ContainerCreate(context.Context, client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	return client.ContainerCreateResult{}, f.create()
}

func (f *fakeEngine) ImageInspect(context.Context, string, ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	return client.ImageInspectResult{}, f.inspect()
}

func (f *fakeEngine) ImagePull(context.Context, string, client.ImagePullOptions) (client.ImagePullResponse, error) {
	f.pulls++
	return nil, f.pull()
}

func TestCreateErrorClasses(t *testing.T) {
	notFound := func(msg string) func() error { return func() error { return cerrdefs.ErrNotFound.WithMessage(msg) } }
	ok := func() error { return nil }
	tests := []struct {
		name      string
		f         *fakeEngine
		imageNF   bool
		wantPulls int
		wantText  string
	}{
		{"image missing and pull denied", &fakeEngine{create: notFound("No such image: unknownimage:latest"), inspect: notFound("No such image: unknownimage:latest"),
			pull: notFound("pull access denied for unknownimage, repository does not exist or may require 'docker login'")},
			true, 1, `404 Client Error: Not Found ("pull access denied for unknownimage, repository does not exist or may require 'docker login'")`},
		{"network missing", &fakeEngine{create: notFound("network nope not found"), inspect: ok, pull: ok},
			false, 0, `404 Client Error: Not Found ("network nope not found")`},
		{"conflict", &fakeEngine{create: func() error { return cerrdefs.ErrConflict.WithMessage("name in use") }, inspect: ok, pull: ok},
			false, 0, `409 Client Error: Conflict ("name in use")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.f).Containers.Create(context.Background(), "unknownimage", RunOptions{})
			if err == nil || err.Error() != tt.wantText {
				t.Fatalf("err %v, want %s", err, tt.wantText)
			}
			if errors.As(err, new(*ImageNotFound)) != tt.imageNF {
				t.Errorf("ImageNotFound = %v", !tt.imageNF)
			}
			if tt.f.pulls != tt.wantPulls {
				t.Errorf("%d pulls, want %d", tt.f.pulls, tt.wantPulls)
			}
		})
	}
}

func TestEventsUntil(t *testing.T) {
	eng := testEngine(t)
	cli := New(eng)
	ctx := context.Background()
	if _, err := cli.Volumes.Create(ctx, client.VolumeCreateOptions{Name: "v1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Networks.Create(ctx, "n1", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for m, err := range cli.Events(ctx, EventsOptions{Since: "0", Until: strconv.FormatInt(testNow.Unix(), 10)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(m.Type)+" "+string(m.Action))
	}
	want := []string{string(events.VolumeEventType) + " create", string(events.NetworkEventType) + " create"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("events %v, want %v", got, want)
	}
}
