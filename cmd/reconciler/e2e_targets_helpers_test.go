package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/spec"
)

// envTestDockerHost names the real dockerd the dockerd target drives; .ci/run
// exports it after scripts/dockerd.sh start (see internal/dockertest).
const envTestDockerHost = "RECONCILER_TEST_DOCKER_HOST"

// targetEngine is the part of the engine API the three-target tests use to look
// at and clean up what the CLI made, independently of the CLI: moby's
// *client.Client and *emulator.Engine both satisfy it.
type targetEngine interface {
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerRemove(ctx context.Context, container string, options client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
	NetworkList(ctx context.Context, options client.NetworkListOptions) (client.NetworkListResult, error)
	NetworkRemove(ctx context.Context, network string, options client.NetworkRemoveOptions) (client.NetworkRemoveResult, error)
	VolumeList(ctx context.Context, options client.VolumeListOptions) (client.VolumeListResult, error)
	VolumeRemove(ctx context.Context, volumeID string, options client.VolumeRemoveOptions) (client.VolumeRemoveResult, error)
}

// e2eTarget is one engine the CLI end-to-end scenario runs against.
type e2eTarget struct {
	name string
	// setup points s at the target (s.env, a server it starts and stops) and
	// returns how the test opens the same engine directly. It skips the test
	// when the target is not available, saying how to enable it.
	setup func(t *testing.T, s *stack) (open func() (targetEngine, func(), error))
}

// e2eTargets are the three targets of issue 7 point 5. The scenario's
// assertions are the same for all three; a target that differs must say so
// here, with its reason.
var e2eTargets = []e2eTarget{
	{name: "embedded", setup: setupEmbedded},
	{name: "served", setup: setupServed},
	{name: "dockerd", setup: setupDockerd},
}

// setupEmbedded: the default engine, the emulator in the CLI's process, on the
// stack's fresh state file.
func setupEmbedded(t *testing.T, s *stack) func() (targetEngine, func(), error) {
	return func() (targetEngine, func(), error) {
		e, err := emulator.Open(s.state)
		if err != nil {
			return nil, nil, err
		}
		return e, func() { e.Close() }, nil
	}
}

// setupServed starts `reconciler engine serve` on a unix socket over the
// stack's state file; the CLI then drives it with --engine docker (moby's
// client) through DOCKER_HOST.
func setupServed(t *testing.T, s *stack) func() (targetEngine, func(), error) {
	dir, err := os.MkdirTemp("", "rce2e") // short: unix socket paths are bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	host := "unix://" + filepath.Join(dir, "docker.sock")
	startServe(t, s, "-H", host)
	s.env = []string{"RECONCILER_ENGINE=docker", "DOCKER_HOST=" + host}
	return dialer(host)
}

// setupDockerd drives the real dockerd named by RECONCILER_TEST_DOCKER_HOST.
func setupDockerd(t *testing.T, s *stack) func() (targetEngine, func(), error) {
	host := os.Getenv(envTestDockerHost)
	if host == "" {
		t.Skip("no real dockerd: " + envTestDockerHost + " is unset. To run this target: " +
			"sudo scripts/dockerd.sh start (add --install the first time) && eval \"$(scripts/dockerd.sh env)\"")
	}
	open := dialer(host)
	c, done, err := open()
	if err != nil {
		t.Fatalf("%s=%s: %v", envTestDockerHost, host, err)
	}
	defer done()
	// A configured daemon that cannot run the stack fails rather than skips.
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	if _, err := c.(*client.Client).ImageInspect(ctx, "busybox:latest"); err != nil {
		t.Fatalf("%s=%s has no busybox:latest (scripts/dockerd.sh start imports it): %v", envTestDockerHost, host, err)
	}
	s.env = []string{"RECONCILER_ENGINE=docker", "DOCKER_HOST=" + host}
	return open
}

// dialer returns a function connecting moby's client to host.
func dialer(host string) func() (targetEngine, func(), error) {
	return func() (targetEngine, func(), error) {
		c, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
		if err != nil {
			return nil, nil, err
		}
		return c, func() { c.Close() }, nil
	}
}

// startServe runs `reconciler engine serve ARGS...` on the stack's state until
// the test ends (SIGINT, then wait). It is not bounded by runTimeout, unlike
// s.cmd: it lives for the whole scenario. Its stderr is kept for failures.
func startServe(t *testing.T, s *stack, args ...string) {
	t.Helper()
	c := exec.Command(bin, append([]string{"engine", "serve"}, args...)...)
	c.Dir = s.dir
	c.Env = append(cleanEnv(), "RECONCILER_STATE="+s.state, "NO_COLOR=1")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stderr = pw
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	log := &serveLog{ready: make(chan struct{}), ended: make(chan struct{})}
	go log.read(pr, regexp.MustCompile(`^Serving .* on unix://`))
	t.Cleanup(func() {
		c.Process.Signal(syscall.SIGINT)
		err := c.Wait()
		<-log.ended
		if err != nil {
			t.Errorf("engine serve did not shut down cleanly: %v\n%s", err, log.text())
		}
	})
	select {
	case <-log.ready:
	case <-log.ended:
		t.Fatalf("engine serve ended before serving:\n%s", log.text())
	case <-time.After(runTimeout):
		t.Fatalf("engine serve not serving after %s:\n%s", runTimeout, log.text())
	}
}

// serveLog collects a server's stderr and signals the line saying it serves.
type serveLog struct {
	mu           sync.Mutex
	b            strings.Builder
	ready, ended chan struct{}
}

func (l *serveLog) read(r io.ReadCloser, serving *regexp.Regexp) {
	defer close(l.ended)
	defer r.Close()
	sc := bufio.NewScanner(r)
	seen := false
	for sc.Scan() {
		l.mu.Lock()
		l.b.WriteString(sc.Text() + "\n")
		l.mu.Unlock()
		if !seen && serving.MatchString(sc.Text()) {
			seen = true
			close(l.ready)
		}
	}
	io.Copy(io.Discard, r) // a line too long for the scanner: keep the pipe drained
}

func (l *serveLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// uniqueProject returns a compose project name unique to this run, so that
// packages and repeated runs sharing one real dockerd never collide.
func uniqueProject(target string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "rtg" + hex.EncodeToString(b[:]) + "-" + target
}

// targetStack is a stack bound to one target and one project.
type targetStack struct {
	*stack
	project string
	open    func() (targetEngine, func(), error)
}

// newTargetStack makes a fresh stack on target tg for a unique project and
// registers a cleanup that removes whatever still carries the project's label
// (containers with their anonymous volumes, networks, volumes), so a failed
// scenario leaves nothing on a shared daemon.
func newTargetStack(t *testing.T, tg e2eTarget) *targetStack {
	t.Helper()
	s := newStack(t)
	ts := &targetStack{stack: s, project: uniqueProject(tg.name)}
	ts.open = tg.setup(t, s) // a server it starts is stopped after the cleanup below
	t.Cleanup(func() {
		for _, err := range ts.removeLabelled() {
			t.Errorf("cleanup of project %s: %v", ts.project, err)
		}
	})
	return ts
}

// engine runs fn on a direct connection to the target's engine.
func (ts *targetStack) engine(fn func(ctx context.Context, e targetEngine) error) error {
	e, done, err := ts.open()
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	return fn(ctx, e)
}

func (ts *targetStack) labelFilter() client.Filters {
	return make(client.Filters).Add("label", spec.LabelProject+"="+ts.project)
}

// resources lists, through the engine API, the names of the project's
// networks and volumes (by the project label).
func (ts *targetStack) resources() (networks, volumes []string) {
	ts.t.Helper()
	err := ts.engine(func(ctx context.Context, e targetEngine) error {
		ns, err := e.NetworkList(ctx, client.NetworkListOptions{Filters: ts.labelFilter()})
		if err != nil {
			return fmt.Errorf("list networks: %w", err)
		}
		for _, n := range ns.Items {
			networks = append(networks, n.Name)
		}
		vs, err := e.VolumeList(ctx, client.VolumeListOptions{Filters: ts.labelFilter()})
		if err != nil {
			return fmt.Errorf("list volumes: %w", err)
		}
		for _, v := range vs.Items {
			volumes = append(volumes, v.Name)
		}
		return nil
	})
	if err != nil {
		ts.t.Fatalf("engine of project %s: %v", ts.project, err)
	}
	sort.Strings(networks)
	sort.Strings(volumes)
	return networks, volumes
}

// removeLabelled removes what carries the project's label and returns the
// errors; objects already gone are not errors.
func (ts *targetStack) removeLabelled() []error {
	var errs []error
	keep := func(err error, what string) {
		if err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	err := ts.engine(func(ctx context.Context, e targetEngine) error {
		f := ts.labelFilter()
		cs, err := e.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		keep(err, "list containers")
		for _, c := range cs.Items {
			_, err := e.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			keep(err, "remove container "+c.ID)
		}
		ns, err := e.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		keep(err, "list networks")
		for _, n := range ns.Items {
			_, err := e.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			keep(err, "remove network "+n.Name)
		}
		vs, err := e.VolumeList(ctx, client.VolumeListOptions{Filters: f})
		keep(err, "list volumes")
		for _, v := range vs.Items {
			_, err := e.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			keep(err, "remove volume "+v.Name)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}
