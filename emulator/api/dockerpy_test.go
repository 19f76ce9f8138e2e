package api_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// TestDockerPy runs testdata/dockerpy_session.py with the real docker-py against
// the emulator served on a unix socket.
func TestDockerPy(t *testing.T) {
	// Debian's python3-docker lives under /usr/bin/python3; PATH may put another
	// python3 (pyenv, a venv) first, so try both.
	var py string
	var why []string
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(cand)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		out, err := exec.Command(p, "-c", "import docker").CombinedOutput()
		if err == nil {
			py = p
			break
		}
		why = append(why, p+": "+strings.TrimSpace(string(out)))
	}
	if py == "" {
		t.Skipf("docker-py is not importable (%s): install Debian's python3-docker to run this test", strings.Join(why, "; "))
	}
	eng, err := emulator.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		eng.Close()
	}()
	cmd := exec.Command(py, "testdata/dockerpy_session.py", api.MaxAPIVersion)
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix://"+sock, "DOCKER_CONFIG="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("docker-py session: %v\n%s", err, out)
	}
}
