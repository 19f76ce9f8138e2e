package emulator_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// execStdin runs cmd with input as `docker exec -i` does: create with
// AttachStdin, attach, check the exec runs while the input is open, write the
// input, close the write side, read the output, inspect.
func execStdin(t *testing.T, e *emulator.Engine, ref string, opts client.ExecCreateOptions, input string) (int, string, string) {
	t.Helper()
	ctx := context.Background()
	opts.AttachStdin, opts.AttachStdout, opts.AttachStderr = true, true, true
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, ref, opts))
	att := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, x.ID, client.ExecAttachOptions{TTY: opts.TTY}))
	defer att.Close()
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})); !in.Running {
		t.Errorf("exec waiting on its input is not running: %+v", in)
	}
	if _, err := io.WriteString(att.Conn, input); err != nil {
		t.Fatalf("write stdin: %v", err)
	}
	if err := att.CloseWrite(); err != nil {
		t.Fatalf("close stdin: %v", err)
	}
	var out, errOut bytes.Buffer
	if opts.TTY {
		must[int64](t)(io.Copy(&out, att.Reader))
	} else if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
		t.Fatalf("exec output: %v", err)
	}
	in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{}))
	if in.Running {
		t.Errorf("exec still running after its input ended: %+v", in)
	}
	return in.ExitCode, out.String(), errOut.String()
}

func TestExecStdin(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox",
		Config:     idle(container.Config{Env: []string{"FOO=bar"}}),
		HostConfig: &container.HostConfig{Binds: []string{"data:/data"}}})
	cases := []struct {
		name           string
		cmd            []string
		input          string
		code           int
		stdout, stderr string
	}{
		{"cat", []string{"cat"}, "hello\nworld\n", 0, "hello\nworld\n", ""},
		{"wc -l", []string{"wc", "-l"}, "a\nb\nc\n", 0, "3\n", ""},
		{"sh reads its script", []string{"sh"}, "echo $FOO\necho oops >&2\nexit 3\n", 3, "bar\n", "oops\n"},
		{"sh -c shares stdin", []string{"sh", "-c", "cat > /data/in && wc -c < /data/in"}, "12345\n", 0, "6\n", ""},
		{"file written from stdin is in the volume", []string{"cat", "/data/in"}, "", 0, "12345\n", ""},
		{"no input", []string{"cat"}, "", 0, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := execStdin(t, e, id, client.ExecCreateOptions{Cmd: tc.cmd}, tc.input)
			if code != tc.code || out != tc.stdout || errOut != tc.stderr {
				t.Errorf("exit %d stdout %q stderr %q, want %d %q %q", code, out, errOut, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

// With a TTY the output is raw, carriage returns are newlines and ^D ends the
// input. A bare shell on a TTY is a session: the terminal echoes what is
// typed and the shell prompts for each line (exec_interactive_test.go).
// Another command gets its input in one batch when it ends, not echoed (a
// known difference: a real terminal echoes it).
func TestExecStdinTTY(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	code, out, _ := execStdin(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh"}, TTY: true}, "echo one\recho two\r\x04echo never\r")
	if want := "/ # echo one\r\none\r\n/ # echo two\r\ntwo\r\n/ # \r\n"; code != 0 || out != want {
		t.Errorf("tty session: exit %d output %q, want 0 %q", code, out, want)
	}
	code, out, _ = execStdin(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat; echo end"}, TTY: true}, "one\rtwo\r\x04")
	if code != 0 || out != "one\r\ntwo\r\nend\r\n" {
		t.Errorf("tty script: exit %d output %q, want 0 %q", code, out, "one\r\ntwo\r\nend\r\n")
	}
}

// Without AttachStdin the exec runs at once and what the client writes is
// dropped; a detached start of an AttachStdin exec gets an input that ends at
// once.
func TestExecWithoutStdin(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat; echo end"}, AttachStdout: true}))
	att := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, x.ID, client.ExecAttachOptions{}))
	defer att.Close()
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})); in.Running {
		t.Errorf("exec without stdin waits: %+v", in)
	}
	_, _ = io.WriteString(att.Conn, "ignored\n") // read and dropped: must not block
	var out bytes.Buffer
	must[int64](t)(stdcopy.StdCopy(&out, io.Discard, att.Reader))
	if out.String() != "end\n" {
		t.Errorf("output %q, want only %q", out.String(), "end\n")
	}

	d := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"cat"}, AttachStdin: true}))
	must[client.ExecStartResult](t)(e.ExecStart(ctx, d.ID, client.ExecStartOptions{Detach: true}))
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, d.ID, client.ExecInspectOptions{})); in.Running || in.ExitCode != 0 {
		t.Errorf("detached stdin exec: %+v, want ended with 0", in)
	}
}

// An exec waiting on its input dies with its container (exit 137, no output),
// and closing the engine ends the session.
func TestExecStdinContainerStops(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"cat"}, AttachStdin: true, AttachStdout: true}))
	att := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, x.ID, client.ExecAttachOptions{}))
	defer att.Close()
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})); in.Running {
		t.Errorf("exec of a killed container still running: %+v", in)
	}
	_, _ = io.WriteString(att.Conn, "late\n")
	_ = att.CloseWrite()
	out := must[[]byte](t)(io.ReadAll(att.Reader))
	if len(out) != 0 {
		t.Errorf("killed exec printed %q", out)
	}
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})); in.Running || in.ExitCode != 137 {
		t.Errorf("killed exec: %+v, want exit 137", in)
	}

	id2 := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	y := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id2, client.ExecCreateOptions{Cmd: []string{"cat"}, AttachStdin: true}))
	att2 := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, y.ID, client.ExecAttachOptions{}))
	defer att2.Close()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if out, _ := io.ReadAll(att2.Reader); len(out) != 0 {
		t.Errorf("session of a closed engine printed %q", out)
	}
}

func TestExecResize(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	size := client.ExecResizeOptions{Height: 40, Width: 120}
	mk := func(cmd ...string) string {
		return must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: cmd, TTY: true})).ID
	}
	running := mk("sleep", "60")
	must[client.ExecStartResult](t)(e.ExecStart(ctx, running, client.ExecStartOptions{Detach: true, TTY: true}))
	if _, err := e.ExecResize(ctx, running, size); err != nil {
		t.Errorf("resize a running tty exec: %v", err)
	}
	created := mk("true")
	done := mk("true")
	must[client.ExecStartResult](t)(e.ExecStart(ctx, done, client.ExecStartOptions{Detach: true}))
	for _, tc := range []struct {
		name, id, msg string
		class         func(error) bool
	}{
		{"unknown exec", "nosuchexec", "No such exec instance: nosuchexec", cerrdefs.IsNotFound},
		{"exec not started", created, "no such exec", cerrdefs.IsNotFound},
		{"exec ended", done, "no such exec", cerrdefs.IsNotFound},
	} {
		if _, err := e.ExecResize(ctx, tc.id, size); !tc.class(err) || err.Error() != tc.msg {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.msg)
		}
	}
	clk.Advance(61e9)
	if _, err := e.ExecResize(ctx, running, size); !cerrdefs.IsNotFound(err) {
		t.Errorf("resize an exec that ended: %v, want not found", err)
	}
	must[client.ContainerPauseResult](t)(e.ContainerPause(ctx, id, client.ContainerPauseOptions{}))
	if _, err := e.ExecResize(ctx, created, size); !cerrdefs.IsConflict(err) || !strings.Contains(err.Error(), "is paused") {
		t.Errorf("resize in a paused container: %v, want conflict", err)
	}
	must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}))
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	if _, err := e.ExecResize(ctx, running, size); !cerrdefs.IsConflict(err) || err.Error() != "Container "+id+" is not running" {
		t.Errorf("resize in a killed container: %v, want dockerd's conflict", err)
	}
}

func TestContainerResize(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{Tty: true})})
	if _, err := e.ContainerResize(ctx, "box", client.ContainerResizeOptions{Height: 24, Width: 80}); err != nil {
		t.Fatalf("resize running container: %v", err)
	}
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	if _, err := e.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: 1, Width: 1}); !cerrdefs.IsConflict(err) || err.Error() != "Container "+id+" is not running" {
		t.Errorf("resize killed container: %v, want dockerd's conflict", err)
	}
	if _, err := e.ContainerResize(ctx, "nosuch", client.ContainerResizeOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("resize unknown container: %v, want not found", err)
	}
	var resizes []string
	for _, m := range history(t, e, clk.Now(), make(client.Filters).Add("event", "resize")) {
		resizes = append(resizes, m.Actor.Attributes["height"]+"x"+m.Actor.Attributes["width"])
	}
	if strings.Join(resizes, ",") != "24x80" {
		t.Errorf("resize events %v, want one 24x80", resizes)
	}
}
