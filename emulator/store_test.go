package emulator_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// Worker processes: the test binary re-executed with EMULATOR_WORKER set.
const workerEnv = "EMULATOR_WORKER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(workerEnv); mode != "" {
		if err := worker(mode, os.Getenv("EMULATOR_STORE"), os.Getenv("EMULATOR_PREFIX")); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// worker runs a workload on the store at path: "calls" makes 1000 calls (500
// volume creates, 500 lists), "forever" creates and starts containers until killed,
// printing the number of completed calls after each one.
func worker(mode, path, prefix string) error {
	e, err := emulator.Open(path)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	switch mode {
	case "calls":
		for i := 0; i < 500; i++ {
			if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: fmt.Sprintf("%s-%d", prefix, i),
				Labels: map[string]string{"writer": prefix}}); err != nil {
				return err
			}
			l, err := e.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("label", "writer="+prefix)})
			if err != nil {
				return err
			}
			if len(l.Items) != i+1 {
				return fmt.Errorf("after %d creates %s sees %d of its volumes", i+1, prefix, len(l.Items))
			}
		}
	case "forever":
		rc, err := e.ImagePull(ctx, "busybox", client.ImagePullOptions{})
		if err != nil {
			return err
		}
		if err := rc.Wait(ctx); err != nil {
			return err
		}
		for i := 0; ; i++ {
			res, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fmt.Sprintf("k%d", i), Image: "busybox",
				Config: &container.Config{Cmd: []string{"sleep", "1"}}})
			if err != nil {
				return err
			}
			fmt.Printf("done %d\n", i+1)
			if _, err := e.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func startWorker(t *testing.T, mode, path, prefix string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+mode, "EMULATOR_STORE="+path, "EMULATOR_PREFIX="+prefix)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// TestTwoProcesses: two processes make 1000 calls each on one store while this one
// reads it; nothing is lost, every reader sees a consistent store.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes; skipped with -short")
	}
	e, path := newFileEngine(t)
	a, _ := startWorker(t, "calls", path, "a")
	b, _ := startWorker(t, "calls", path, "b")
	done := make(chan error, 2)
	go func() { done <- a.Wait() }()
	go func() { done <- b.Wait() }()
	ctx := context.Background()
	last := 0
	for finished := 0; finished < 2; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("worker: %v", err)
			}
			finished++
		default:
			l, err := e.VolumeList(ctx, client.VolumeListOptions{})
			if err != nil {
				t.Fatalf("read while writers run: %v", err)
			}
			if len(l.Items) < last {
				t.Fatalf("volume count went back from %d to %d", last, len(l.Items))
			}
			last = len(l.Items)
		}
	}
	l := must[client.VolumeListResult](t)(e.VolumeList(ctx, client.VolumeListOptions{}))
	if len(l.Items) != 1000 {
		t.Errorf("%d volumes, want 1000", len(l.Items))
	}
	if err := e.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// TestKillWriter: SIGKILL a writer mid-workload; the store reopens, passes the
// integrity check and holds exactly the calls that completed.
func TestKillWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes; skipped with -short")
	}
	_, path := newFileEngine(t)
	cmd, out := startWorker(t, "forever", path, "")
	completed := 0
	for out.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(out.Text(), "done "))
		if err != nil {
			t.Fatalf("worker said %q", out.Text())
		}
		completed = n
		if n >= 150 {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// The worker kept creating while we read; lines it wrote before dying are still
	// in the pipe. Drain them so completed is the last create it reported.
	for out.Scan() {
		if n, err := strconv.Atoi(strings.TrimPrefix(out.Text(), "done ")); err == nil && n > completed {
			completed = n
		}
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("worker ended with %v", err)
	}
	e2, err := emulator.Open(path)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer e2.Close()
	ctx := context.Background()
	if err := e2.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	l := must[client.ContainerListResult](t)(e2.ContainerList(ctx, client.ContainerListOptions{All: true}))
	// creates reported done are there; at most one more create finished before the kill
	if n := len(l.Items); n < completed || n > completed+1 {
		t.Errorf("%d containers after kill, %d creates completed", n, completed)
	}
	// the store is usable for writes
	if _, err := e2.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "after", Image: "busybox"}); err != nil {
		t.Errorf("write after reopen: %v", err)
	}
}

// TestCrossProcessEvents: events written by another process reach a live stream.
func TestCrossProcessEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes; skipped with -short")
	}
	e, path := newFileEngine(t, emulator.WithPollInterval(10*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := e.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("type", "volume")})
	w, _ := startWorker(t, "calls", path, "x")
	seen := 0
	for seen < 500 {
		select {
		case m := <-res.Messages:
			if m.Action == "create" && strings.HasPrefix(m.Actor.ID, "x-") {
				seen++
			}
		case err := <-res.Err:
			t.Fatalf("stream: %v (saw %d)", err, seen)
		}
	}
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestReopen: state survives Close and Open, and a second engine on the same file
// sees the first one's changes at its next call.
func TestReopen(t *testing.T) {
	e, path := newFileEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	other, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if got := len(must[client.ImageListResult](t)(other.ImageList(ctx, client.ImageListOptions{})).Items); got != 1 {
		t.Fatalf("second engine sees %d images", got)
	}
	id := run(t, e, client.ContainerCreateOptions{Name: "persist", Image: "busybox"})
	must[client.ContainerRenameResult](t)(other.ContainerRename(ctx, "persist", client.ContainerRenameOptions{NewName: "renamed"}))
	if got := inspect(t, e, id).Name; got != "/renamed" {
		t.Errorf("first engine sees name %q", got)
	}
	must[client.ContainerRemoveResult](t)(other.ContainerRemove(ctx, "renamed", client.ContainerRemoveOptions{Force: true}))
	if _, err := e.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("first engine still sees the removed container")
	}
	e.Close()
	e3, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer e3.Close()
	nets := must[client.NetworkListResult](t)(e3.NetworkList(ctx, client.NetworkListOptions{}))
	if len(nets.Items) != 3 {
		t.Errorf("reopened store has %d networks (defaults created twice?)", len(nets.Items))
	}
}
