package api_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// TestDockerCLI runs the real docker CLI against the emulator served on a unix
// socket: the commands a person would use to look at what the reconciler made.
func TestDockerCLI(t *testing.T) {
	bin, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("docker CLI not found on PATH: install the docker client (e.g. Debian docker.io or docker-ce-cli) to run this test")
	}
	eng, err := emulator.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		eng.Close()
	})
	env := append(os.Environ(), "DOCKER_HOST=unix://"+sock, "DOCKER_CONFIG="+filepath.Join(dir, "config"), "DOCKER_CONTEXT=", "NO_COLOR=1")

	docker := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	ok := func(want string, args ...string) string {
		t.Helper()
		out, err := docker(args...)
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if want != "*" && out != want {
			t.Errorf("docker %s = %q, want %q", strings.Join(args, " "), out, want)
		}
		return out
	}
	fails := func(wantText string, args ...string) {
		t.Helper()
		out, err := docker(args...)
		if err == nil || !strings.Contains(out, wantText) {
			t.Errorf("docker %s = %v %q, want failure containing %q", strings.Join(args, " "), err, out, wantText)
		}
	}

	ok(api.MaxAPIVersion, "version", "--format", "{{.Server.APIVersion}}")
	ok("*", "pull", "busybox")
	ok("busybox:latest", "images", "--format", "{{.Repository}}:{{.Tag}}")
	ok("*", "network", "create", "--label", "t=cli", "clinet")
	ok("clivol", "volume", "create", "--label", "t=cli", "clivol")
	id := ok("*", "run", "-d", "--name", "cli1", "-l", "app=cli", "--network", "clinet", "-v", "clivol:/data", "busybox", "sleep", "300")
	if len(id) != 64 {
		t.Fatalf("docker run -d printed %q, want a container id", id)
	}
	ok("*", "create", "--name", "cli-other", "-l", "app=other", "--network", "bridge", "busybox", "true")
	ok("cli1 running", "ps", "--filter", "label=app=cli", "--format", "{{.Names}} {{.State}}")
	ok("cli-other", "ps", "-a", "--filter", "status=created", "--format", "{{.Names}}")
	ok("true clinet", "inspect", "-f", "{{.State.Running}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", "cli1")
	ok("clinet", "network", "ls", "--filter", "label=t=cli", "--format", "{{.Name}}")
	ok("clivol", "volume", "ls", "--filter", "label=t=cli", "--format", "{{.Name}}")
	ok("*", "network", "connect", "bridge", "cli1")
	ok(id, "network", "inspect", "-f", "{{range $k, $v := .Containers}}{{$k}}{{end}}", "bridge")
	ok("*", "top", "cli1")
	ok("*", "network", "disconnect", "bridge", "cli1")
	ok("", "network", "inspect", "-f", "{{range $k, $v := .Containers}}{{$k}}{{end}}", "bridge")
	ok("cli1", "pause", "cli1")
	ok("paused", "inspect", "-f", "{{.State.Status}}", "cli1")
	ok("cli1", "unpause", "cli1")
	ok("t=cli", "volume", "inspect", "-f", "{{range $k, $v := .Labels}}{{$k}}={{$v}}{{end}}", "clivol")
	ok("cli1", "stop", "-t", "0", "cli1")
	ok("cli1", "start", "cli1")
	ok("cli1", "restart", "-t", "0", "cli1")
	ok("cli1", "kill", "cli1")
	ok("*", "wait", "cli1")
	ok("", "rename", "cli1", "cli2")
	ok("cli2", "rm", "cli2")
	ok("*", "run", "-d", "--rm", "--name", "tmp1", "--network", "bridge", "busybox", "sleep", "300")
	ok("tmp1", "stop", "-t", "0", "tmp1")
	// Without --network the CLI (25+) keys the endpoint by the mode, "default".
	ok("*", "run", "-d", "--name", "plain1", "busybox", "sleep", "300")
	ok("bridge", "inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", "plain1")
	// docker exec -it, on a pseudo-terminal (script(1)): a shell session whose
	// exit code is the CLI's. What the terminal echoes before the CLI puts it
	// in raw mode comes first; the session follows.
	session := exec.Command("script", "-qec", bin+" exec -it plain1 sh", "/dev/null")
	session.Env, session.Stdin = env, strings.NewReader("echo hi\rexit 4\r")
	out, err := session.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 4 || !strings.Contains(string(out), "/ # echo hi\r\nhi\r\n/ # exit 4\r\n") {
		t.Errorf("docker exec -it plain1 sh: %v, output %q; want exit 4 and the session", err, out)
	}
	ok("plain1", "rm", "-f", "plain1")
	fails("No such container: tmp1", "container", "inspect", "tmp1")
	ok("*", "system", "df")
	ok("*", "info")
	ok("*", "container", "prune", "-f")
	// Tagging and untagging once no container uses the image: the emulator
	// refuses to untag one of several references of an image in use, where
	// dockerd allows it (reported).
	ok("*", "tag", "busybox", "mybox:1")
	ok("*", "image", "inspect", "mybox:1")
	ok("*", "history", "busybox")
	ok("*", "rmi", "mybox:1")
	ok("*", "network", "rm", "clinet")
	ok("*", "volume", "rm", "clivol")
	ok("*", "network", "create", "prunable")
	ok("*", "system", "prune", "-f", "--volumes")
	ok("", "network", "ls", "-q", "--filter", "name=prunable")
	ok("*", "network", "create", "prunable2")
	ok("Deleted Networks:\nprunable2", "network", "prune", "-f")
	ok("*", "volume", "create", "prunevol")
	ok("*", "volume", "prune", "-af")
	ok("", "volume", "ls", "-q")
	ok("*", "image", "prune", "-af")
	ok("", "images", "-q")
	ok("", "ps", "-aq")
	// A streaming `docker events` replaying from the start: it must show the
	// network's whole life and stay open (killed once destroy is seen).
	ev := exec.Command(bin, "events", "--since", "0", "--filter", "type=network", "--filter", "network=clinet", "--format", "{{.Action}}")
	ev.Env = env
	stdout, err := ev.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Start(); err != nil {
		t.Fatal(err)
	}
	var actions []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		actions = append(actions, sc.Text())
		if sc.Text() == "destroy" {
			break
		}
	}
	_ = ev.Process.Kill()
	_ = ev.Wait()
	if len(actions) == 0 || actions[0] != "create" || actions[len(actions)-1] != "destroy" || !slices.Contains(actions, "connect") {
		t.Errorf("docker events type=network = %v, want create, connect ..., destroy", actions)
	}

	fails("No such container: nope", "rm", "nope")
	fails("No such object: nope", "inspect", "nope")
	fails("No such image: nope:1", "rmi", "nope:1")
	fails("network nonet not found", "network", "rm", "nonet")
	fails("No such container: nope", "logs", "nope")
}
