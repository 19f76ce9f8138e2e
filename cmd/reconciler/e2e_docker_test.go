package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestE2EDockerEngineOverTheAPI drives `--engine docker` through moby's client
// against `reconciler engine serve` (the embedded engine over the Engine API on a
// unix socket): the same planner and executor over HTTP. The served engine and
// the embedded one share a state file, so both views must agree.
func TestE2EDockerEngineOverTheAPI(t *testing.T) {
	dir, err := os.MkdirTemp("", "rce2e") // short: unix socket paths are bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := newStack(t)
	s.write("compose.yaml", simple)

	sock := filepath.Join(dir, "docker.sock")
	serve := s.cmd("engine", "serve", "-H", "unix://"+sock)
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		serve.Process.Signal(syscall.SIGINT)
		serve.Wait()
	})
	newLineWaiter(t, stderr).waitFor(`^Serving .* on unix://`)

	docker := *s
	docker.env = []string{"DOCKER_HOST=unix://" + sock, "RECONCILER_ENGINE=docker"}
	docker.ok("up")
	want := []string{"demo-cache-1", "demo-web-1", "demo-worker-1", "demo-worker-2", "demo-worker-3"}
	running(t, docker.ps(), want...)
	running(t, s.ps(), want...) // the embedded view of the same state

	if r := docker.ok("up", "--debug"); !strings.Contains(r.stderr, "engine write calls: 0") {
		t.Errorf("second up over the API made writes:\n%s", r)
	}
	if r := docker.ok("engine", "info"); !strings.Contains(r.stdout, "Engine:     docker") {
		t.Errorf("engine info does not name the docker engine:\n%s", r.stdout)
	}
	docker.ok("down")
	if got := s.ps(); len(got) != 0 {
		t.Errorf("containers left after down over the API: %v", names(got))
	}
}
