package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// runTimeout bounds one CLI run in the end-to-end tests.
const runTimeout = 2 * time.Minute

// bin is the reconciler binary built once for this test binary by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "reconciler-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "reconciler")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build reconciler:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stack is one end-to-end scenario: a project directory and a fresh state file.
type stack struct {
	t     *testing.T
	dir   string
	state string
	env   []string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	root := t.TempDir()
	s := &stack{t: t, dir: filepath.Join(root, "proj"), state: filepath.Join(root, "state", "state.db")}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return s
}

// copyExample copies examples/stacks/<name> into the project directory.
func (s *stack) copyExample(name string) *stack {
	s.t.Helper()
	src := examplePath(s.t, name)
	entries, err := os.ReadDir(src)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			s.t.Fatal(err)
		}
		s.write(e.Name(), string(b))
	}
	return s
}

func (s *stack) write(name, content string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// edit replaces old with new in the project file name; old must be present.
func (s *stack) edit(name, old, new string) {
	s.t.Helper()
	p := filepath.Join(s.dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		s.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		s.t.Fatalf("%s does not contain %q", name, old)
	}
	s.write(name, strings.Replace(string(b), old, new, 1))
}

// cleanEnv is the environment without the variables that would change what a
// scenario loads or where its state lives.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "COMPOSE_") || strings.HasPrefix(k, "RECONCILER_") || k == "XDG_STATE_HOME" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// cmd prepares the binary with args in the project directory on the stack's state.
// Every run is bounded so that a scenario that does not converge fails instead
// of hanging the test binary.
func (s *stack) cmd(args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	s.t.Cleanup(cancel)
	c := exec.CommandContext(ctx, bin, args...)
	c.Dir = s.dir
	c.Env = append(cleanEnv(), "RECONCILER_STATE="+s.state, "COMPOSE_PROGRESS=plain", "NO_COLOR=1")
	c.Env = append(c.Env, s.env...)
	return c
}

// run runs the binary and returns what it printed and its exit code.
func (s *stack) run(args ...string) result {
	s.t.Helper()
	c := s.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatalf("run %v: %v", args, err)
	}
	return r
}

// ok runs the binary and fails the test unless it exits 0.
func (s *stack) ok(args ...string) result {
	s.t.Helper()
	r := s.run(args...)
	if r.code != 0 {
		s.t.Fatalf("reconciler %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// ps returns `ps -a --format json`, one entry per container, by name.
func (s *stack) ps(extra ...string) map[string]psEntry {
	s.t.Helper()
	r := s.ok(append([]string{"ps", "-a", "--format", "json"}, extra...)...)
	out := map[string]psEntry{}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	for dec.More() {
		var e psEntry
		if err := dec.Decode(&e); err != nil {
			s.t.Fatalf("ps --format json does not parse: %v\n%s", err, r.stdout)
		}
		if _, dup := out[e.Name]; dup {
			s.t.Fatalf("ps lists %s twice", e.Name)
		}
		out[e.Name] = e
	}
	return out
}

// info returns `engine info` as key -> value.
func (s *stack) info() map[string]string {
	s.t.Helper()
	r := s.ok("engine", "info")
	out := map[string]string{}
	for _, l := range strings.Split(r.stdout, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

func names(m map[string]psEntry) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
