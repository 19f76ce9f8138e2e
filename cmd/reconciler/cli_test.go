package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"
)

// runCLI runs one command line in-process and returns stdout, stderr, exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func examplePath(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "examples", "stacks"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStatePath(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name, flag, env, xdg string
		want                 string
	}{
		{"flag wins", "/s/flag.db", "/s/env.db", "/x", "/s/flag.db"},
		{"env next", "", "/s/env.db", "/x", "/s/env.db"},
		{"xdg", "", "", "/x", "/x/reconciler/state.db"},
		{"relative xdg ignored", "", "", "rel", filepath.Join(home, ".local/state/reconciler/state.db")},
		{"home", "", "", "", filepath.Join(home, ".local/state/reconciler/state.db")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv(envState, tc.env)
			t.Setenv("XDG_STATE_HOME", tc.xdg)
			g := globalOptions{state: tc.flag}
			got, err := g.statePath()
			if err != nil || got != tc.want {
				t.Fatalf("statePath() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestUsageErrorsExit1(t *testing.T) {
	f := examplePath(t, "web-db", "compose.yaml")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--progress", "fancy", "config", "-f", f}, "--progress"},
		{[]string{"--engine", "podman", "config", "-f", f}, "--engine"},
		{[]string{"up", "-f", f, "--pull", "sometimes"}, "--pull"},
		{[]string{"up", "-f", f, "--force-recreate", "--no-recreate"}, "incompatible"},
		{[]string{"config", "-f", f, "--format", "toml"}, "--format"},
		{[]string{"down", "-p", "x", "--rmi", "some"}, "--rmi"},
		{[]string{"ps", "-p", "x", "--format", "xml"}, "--format"},
		{[]string{"--engine", "docker", "ps", "-p", "x"}, "does not answer"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"up", "--bogus"}, "unknown flag: --bogus"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Setenv(envState, filepath.Join(t.TempDir(), "state.db"))
			t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
			_, stderr, code := runCLI(t, tc.args...)
			if code != exitError || !strings.Contains(stderr, tc.want) {
				t.Fatalf("code %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
		})
	}
}

func TestConfigCommands(t *testing.T) {
	dir := examplePath(t, "override-env")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"config", "--project-directory", dir, "--services"}, []string{"api", "cache"}},
		{[]string{"-f", filepath.Join(dir, "compose.yaml"), "config", "--hash", "cache"}, []string{"cache "}},
		{[]string{"config", "-f", examplePath(t, "web-db", "compose.yaml"), "--volumes"}, []string{"db-data"}},
		{[]string{"config", "-f", examplePath(t, "profiles", "compose.yaml"), "--services", "--profile", "debug"}, []string{"app", "cache", "debug"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, stderr, code := runCLI(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %q, want %d lines like %q", out, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestConfigHashFormat(t *testing.T) {
	out, stderr, code := runCLI(t, "config", "-f", examplePath(t, "web-db", "compose.yaml"), "--hash", "*")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 || len(f[1]) != 64 {
			t.Errorf("line %q is not <service> <sha256>", l)
		}
	}
}

func TestConfigEnvInterpolation(t *testing.T) {
	dir := examplePath(t, "override-env")
	t.Setenv("API_TAG", "9.9")
	out, stderr, code := runCLI(t, "config", "--project-directory", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"nginx:9.9"`, `"development"`, `"debug"`} {
		if !strings.Contains(out, want) {
			t.Errorf("config json lacks %s (environment beats .env; override applied)", want)
		}
	}
}

func TestBadFileNamesFileAndPath(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(bad, []byte("services:\n  web:\n    image: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "config", "-q", "-f", bad)
	if code != exitError {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, bad) || !strings.Contains(stderr, "services.web.image") {
		t.Fatalf("stderr %q lacks file and path", stderr)
	}
}

func TestErrorLinesFlattensMultierror(t *testing.T) {
	var m *multierror.Error
	m = multierror.Append(m, errors.New("create container demo-web-1: boom"), errors.New("a\nb"))
	got := errorLines(m)
	want := []string{"create container demo-web-1: boom", "a", "b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("errorLines = %q, want %q", got, want)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"completion", "bash"}, {"completion", "zsh"}, {"completion", "fish"}} {
		out, stderr, code := runCLI(t, args...)
		if code != 0 || out == "" {
			t.Errorf("%v: exit %d, out %d bytes, stderr %q", args, code, len(out), stderr)
		}
	}
	if _, _, code := runCLI(t, "completion", "powershell"); code != exitError {
		t.Errorf("completion powershell: exit %d, want 1", code)
	}
}
