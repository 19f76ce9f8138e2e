package emulator_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// session is the client side of `docker exec -it`: it types and reads the
// terminal's output as it comes.
type session struct {
	t    *testing.T
	conn io.Writer
	out  chan string
	seen strings.Builder
}

func startSession(t *testing.T, e *emulator.Engine, ref string, opts client.ExecCreateOptions) (*session, string) {
	t.Helper()
	ctx := context.Background()
	opts.AttachStdin, opts.AttachStdout, opts.AttachStderr, opts.TTY = true, true, true, true
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, ref, opts))
	att := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, x.ID, client.ExecAttachOptions{TTY: true}))
	t.Cleanup(att.Close)
	s := &session{t: t, conn: att.Conn, out: make(chan string)}
	go func() {
		defer close(s.out)
		b := make([]byte, 4096)
		for {
			n, err := att.Reader.Read(b)
			if n > 0 {
				s.out <- string(b[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return s, x.ID
}

// expect reads until the output since the last expect ends with want.
func (s *session) expect(want string) {
	s.t.Helper()
	for !strings.HasSuffix(s.seen.String(), want) {
		select {
		case chunk, ok := <-s.out:
			if !ok {
				s.t.Fatalf("session ended; output %q, want it to end with %q", s.seen.String(), want)
			}
			s.seen.WriteString(chunk)
		case <-time.After(10 * time.Second): // a guard against a hang, not a timing assertion
			s.t.Fatalf("no more output; got %q, want it to end with %q", s.seen.String(), want)
		}
	}
	s.seen.Reset()
}

// end reads until the engine closes the session, the exec finished.
func (s *session) end() string {
	s.t.Helper()
	for {
		select {
		case chunk, ok := <-s.out:
			if !ok {
				return s.seen.String()
			}
			s.seen.WriteString(chunk)
		case <-time.After(10 * time.Second): // a guard against a hang, not a timing assertion
			s.t.Fatalf("the session did not end; output %q", s.seen.String())
		}
	}
}

func (s *session) send(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.conn, keys); err != nil {
		s.t.Fatal(err)
	}
}

// `docker exec -it box sh` is a session: each line runs when entered and its
// output comes before the next prompt; the terminal echoes and edits the
// line; an unfinished compound command gets the "> " prompt; what the session
// changed in the container is kept when it exits, with its exit code.
func TestExecInteractiveSession(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{})})
	s, execID := startSession(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh"}})
	s.expect("/ # ")
	s.send("echo hi\r")
	s.expect("echo hi\r\nhi\r\n/ # ")
	s.send("echo ab\x7fc\r") // backspace erases the b
	s.expect("echo ab\b \bc\r\nac\r\n/ # ")
	s.send("X=1; cd /tmp\r")
	s.expect("/tmp # ")        // the prompt follows the session's directory
	s.send("echo $X $(pwd)\r") // state carries from line to line
	s.expect("1 /tmp\r\n/tmp # ")
	s.send("for i in 1 2; do\r")
	s.expect("\r\n> ")
	s.send("echo n$i\r")
	s.expect("\r\n> ")
	s.send("done\r")
	s.expect("done\r\nn1\r\nn2\r\n/tmp # ")
	s.send("oops\x03") // ^C drops the line
	s.expect("oops^C\r\n/tmp # ")
	s.send("echo kept > /made\r")
	s.expect("/tmp # ")
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, execID, client.ExecInspectOptions{})); !in.Running {
		t.Fatalf("the session's exec is not running: %+v", in)
	}
	s.send("exit 3\r")
	if out := s.end(); out != "exit 3\r\n" {
		t.Errorf("output after exit 3: %q", out)
	}
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, execID, client.ExecInspectOptions{})); in.Running || in.ExitCode != 3 {
		t.Errorf("after exit 3: running %v, exit code %d", in.Running, in.ExitCode)
	}
	if code, out, _ := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{"cat", "/made"}}); code != 0 || out != "kept\n" {
		t.Errorf("a file the session wrote: exit %d, %q", code, out)
	}
}

// The prompt is the shell's: bash's user@host:dir, ash's dir, "$" for a user
// other than root.
func TestExecInteractivePrompt(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	pull(t, e, "postgres")
	box := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{})})
	db := run(t, e, client.ContainerCreateOptions{Name: "db", Image: "postgres",
		Config: &container.Config{Hostname: "dbhost", Env: []string{"POSTGRES_PASSWORD=x"}}})
	for _, tc := range []struct {
		ref  string
		opts client.ExecCreateOptions
		want string
	}{
		{box, client.ExecCreateOptions{Cmd: []string{"sh"}}, "/ # "},
		{box, client.ExecCreateOptions{Cmd: []string{"/bin/sh"}, WorkingDir: "/tmp", User: "nobody"}, "/tmp $ "},
		{db, client.ExecCreateOptions{Cmd: []string{"bash"}}, "root@dbhost:/# "},
	} {
		s, _ := startSession(t, e, tc.ref, tc.opts)
		s.expect(tc.want)
		s.send("\x04")
		if out := s.end(); out != "\r\n" {
			t.Errorf("after ^D: %q", out)
		}
	}
}

// A shell the image lacks fails as any missing program does: `docker exec -it
// box bash` on busybox is runc's "executable file not found", exit 126.
func TestExecMissingShell(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	box := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{})})
	code, out, _ := execRun(t, e, box, client.ExecCreateOptions{Cmd: []string{"bash"}})
	if code != 126 || !strings.Contains(out, `exec: "bash": executable file not found in $PATH`) {
		t.Errorf("bash in busybox: exit %d, %q", code, out)
	}
	// With -it it fails before any input, without waiting for the session to end.
	s, execID := startSession(t, e, box, client.ExecCreateOptions{Cmd: []string{"bash"}})
	if out := s.end(); !strings.HasSuffix(out, "executable file not found in $PATH: unknown\r\n") {
		t.Errorf("bash -it in busybox printed %q", out)
	}
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(context.Background(), execID, client.ExecInspectOptions{})); in.Running || in.ExitCode != 126 {
		t.Errorf("bash -it in busybox: running %v, exit %d; want exited 126", in.Running, in.ExitCode)
	}
}
