package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// lineWaiter reads a process's stderr line by line and lets a test wait for
// the next line matching a pattern (bounded by runTimeout, never sleeping).
type lineWaiter struct {
	t     *testing.T
	lines chan string
	seen  []string
}

func newLineWaiter(t *testing.T, r io.Reader) *lineWaiter {
	w := &lineWaiter{t: t, lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
		close(w.lines)
	}()
	return w
}

// waitFor returns the submatches of the first next line matching re.
func (w *lineWaiter) waitFor(re string) []string {
	w.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(runTimeout)
	for {
		select {
		case l, ok := <-w.lines:
			if !ok {
				w.t.Fatalf("process ended before a line matching %q; it printed:\n%s", re, strings.Join(w.seen, "\n"))
			}
			w.seen = append(w.seen, l)
			if m := rx.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			w.t.Fatalf("no line matching %q; printed so far:\n%s", re, strings.Join(w.seen, "\n"))
		}
	}
}

func TestE2EWatchConvergesEditsHealsDriftAndKeepsRunningOnCtrlC(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	c := s.cmd("up", "--watch", "--metrics-addr", "127.0.0.1:0", "--resync", "0")
	stderr, err := c.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Process.Kill()
	w := newLineWaiter(t, stderr)
	addr := w.waitFor(`Serving metrics on http://(\S+)/metrics`)[1]
	w.waitFor(`^Apply complete: `)

	// An in-place edit converges.
	s.edit("compose.yaml", "LOG_LEVEL: info", "LOG_LEVEL: debug")
	w.waitFor(`^Apply complete: 0 added, 1 changed`)

	// Write-temp-then-rename (most editors' atomic save) converges.
	p := filepath.Join(s.dir, "compose.yaml")
	cur, _ := os.ReadFile(p)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Replace(string(cur), "MODE: web", "MODE: api", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	w.waitFor(`^Apply complete: 0 added, 1 changed`)

	// vim's save: rename the file to a backup, write a new one, delete the backup.
	cur, _ = os.ReadFile(p)
	if err := os.Rename(p, p+"~"); err != nil {
		t.Fatal(err)
	}
	// Every save writes content never seen before: the watcher rightly ignores a
	// burst of saves that ends where the last pass started from.
	if err := os.WriteFile(p, []byte(strings.Replace(string(cur), "MODE: api", "MODE: vim", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(p + "~")
	w.waitFor(`^Apply complete: 0 added, 1 changed`)

	// A bad edit keeps the running stack and says so; the fix converges.
	good, _ := os.ReadFile(s.dir + "/compose.yaml")
	s.write("compose.yaml", "services: [\n")
	w.waitFor(`compose\.yaml.*`)
	w.waitFor(`Keeping the last good state`)
	s.write("compose.yaml", strings.Replace(string(good), "LOG_LEVEL: debug", "LOG_LEVEL: warn", 1))
	w.waitFor(`^Apply complete: 0 added, 1 changed`)

	// A container removed behind the tool's back comes back (engine event or resync).
	eng, err := emulator.Open(s.state)
	if err != nil {
		t.Fatal(err)
	}
	_, err = eng.ContainerRemove(context.Background(), "demo-worker-2", client.ContainerRemoveOptions{Force: true})
	eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	w.waitFor(`^Apply complete: 1 added`)

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`(?m)^reconciler_reconcile_total\{result="success",trigger="file"\} [1-9]`).Match(body) {
		t.Errorf("metrics lack successful file-triggered passes:\n%s", grepLines(string(body), "reconcile_total"))
	}
	if !regexp.MustCompile(`(?m)^reconciler_drift_detected_total(\{[^}]*\})? [1-9]`).Match(body) {
		t.Errorf("metrics lack the drift:\n%s", grepLines(string(body), "drift"))
	}

	// Ctrl-C stops the watch and leaves the stack running.
	if err := c.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	w.waitFor(`Stopped watching`)
	if err := c.Wait(); err != nil {
		t.Fatalf("watch exited with %v after Ctrl-C", err)
	}
	// The healed replica takes the next number, as docker compose numbers them.
	running(t, s.ps(), "demo-cache-1", "demo-web-1", "demo-worker-1", "demo-worker-3", "demo-worker-4")
	if r := s.run("plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("not converged on the last edit: %s", r)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
