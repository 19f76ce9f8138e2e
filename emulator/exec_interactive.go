package emulator

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// An interactive shell (`docker exec -it CTR sh`): the exec has a TTY and
// stdin, and its command is a bare shell. The engine plays the terminal's
// line discipline (canonical mode: it echoes what is typed, erases on
// backspace, ^U and ^C drop the line, ^D on an empty line ends the input) and
// runs each line as it is entered, so its output appears before the next
// prompt (which shows the directory the session is in), as with a real shell. Each line runs the input so far again on the
// container as it was when the exec started, and only output not yet shown
// is written (the shell is deterministic on the engine clock); the exec's
// effects on files are stored once, when the shell exits (`exit` or ^D).

// interactiveShells are the shells whose bare invocation reads commands from
// a terminal.
var interactiveShells = []string{"sh", "ash", "bash", "dash", "zsh"}

// isInteractive reports whether x is a bare shell on a TTY reading stdin.
func isInteractive(x *execRec, tty bool) bool {
	if !tty || !x.Waiting || len(x.Cmd) == 0 || !slices.Contains(interactiveShells, path.Base(x.Cmd[0])) {
		return false
	}
	for _, a := range x.Cmd[1:] {
		if !strings.HasPrefix(a, "-") || strings.Contains(a, "c") {
			return false // a script file or -c: not a session
		}
	}
	return true
}

// prompt is what the shell prints before reading a line: bash's
// user@host:dir, busybox and alpine's ash's "dir #", dash's "#" ("$" for a
// user other than root).
func (x *execRec) prompt(hostname, dir string) string {
	sign := "#"
	if u := strings.SplitN(x.User, ":", 2)[0]; u != "" && u != "root" && u != "0" {
		sign = "$"
	}
	if dir == "" {
		dir = cmp.Or(x.WorkingDir, "/")
	}
	switch path.Base(x.Cmd[0]) {
	case "bash":
		user := strings.SplitN(x.User, ":", 2)[0]
		if user == "" {
			user = "root"
		}
		return user + "@" + hostname + ":" + dir + sign + " "
	case "ash", "sh":
		return dir + " " + sign + " "
	}
	return sign + " "
}

// serveInteractive is serveExec for an interactive shell.
func (e *Engine) serveInteractive(ctx context.Context, server *pipeConn, x *execRec) {
	hostname := ""
	_ = e.view(ctx, func(s *state) error {
		if c, _, err := s.lookupExec(x.ID); err == nil {
			hostname = c.Config.Hostname
		}
		return nil
	})
	prompt := []byte(x.prompt(hostname, ""))
	var input, line bytes.Buffer
	shown := 0 // bytes of rendered output already written
	// Writes are queued: a terminal's output does not wait for its reader
	// (the in-process connection has no buffer, and a client may type ahead).
	q := newOutQueue(server)
	defer q.close()
	write := q.write
	show := func(all []byte) {
		if len(all) > shown {
			write(all[shown:])
			shown = len(all)
		}
	}
	finish := func() {
		if fx, err := e.finishExec(ctx, x.ID, input.Bytes()); err == nil {
			show(renderTTY(fx.Output))
		}
	}
	write(prompt)
	chunk := make([]byte, 4096)
	for {
		n, err := server.Read(chunk)
		for _, b := range chunk[:n] {
			switch {
			case b == '\r' || b == '\n':
				write([]byte("\r\n"))
				cmd := line.String()
				input.WriteString(cmd + "\n")
				line.Reset()
				if shell.Incomplete(input.String()) {
					write([]byte("> ")) // more lines to come (PS2)
					continue
				}
				if f := strings.Fields(cmd); len(f) > 0 && f[0] == "exit" {
					finish()
					return
				}
				if out, dir, ok := e.previewExec(ctx, x.ID, input.Bytes()); ok {
					show(out)
					prompt = []byte(x.prompt(hostname, dir)) // after a cd, the new directory
				}
				write(prompt)
			case b == 0x7f || b == 0x08:
				if line.Len() > 0 {
					line.Truncate(line.Len() - 1)
					write([]byte("\b \b"))
				}
			case b == 0x03:
				line.Reset()
				write(append([]byte("^C\r\n"), prompt...))
			case b == 0x15:
				write(bytes.Repeat([]byte("\b \b"), line.Len()))
				line.Reset()
			case b == 0x04:
				if line.Len() == 0 {
					write([]byte("\r\n"))
					finish()
					return
				}
			case b >= 0x20 || b == '\t':
				line.WriteByte(b)
				write([]byte{b})
			}
		}
		if err != nil {
			finish()
			return
		}
	}
}

// previewExec runs exec id's command on input without storing anything: on a
// copy of its container, read-only. ok is false when the exec is gone.
func (e *Engine) previewExec(ctx context.Context, id string, input []byte) (out []byte, dir string, ok bool) {
	_ = e.view(ctx, func(s *state) error {
		c, x, err := s.lookupExec(id)
		if err != nil {
			return err
		}
		t := &txn{e: e, s: s, now: e.now(), ops: map[opKey]bool{}}
		sc, _ := t.execContext(cloneContainer(c), x) // writes stay in the copy
		res, rerr := shell.RunStdin(sc, x.Cmd, input)
		if rerr == nil {
			out, dir, ok = renderTTY(execOutput(&res, t.now)), res.Dir, true
		}
		return nil
	})
	return out, dir, ok
}

// renderTTY renders output as a TTY delivers it.
func renderTTY(entries []process.LogEntry) []byte {
	var buf bytes.Buffer
	f := &logFilter{stdout: true, stderr: true, tty: true}
	for _, l := range entries {
		f.render(&buf, l)
	}
	return buf.Bytes()
}

// outQueue writes to w from its own goroutine, in order, without making
// the writer wait for w's reader; close waits until everything is written.
type outQueue struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  [][]byte
	done bool
	wg   sync.WaitGroup
}

func newOutQueue(w io.Writer) *outQueue {
	q := &outQueue{}
	q.cond = sync.NewCond(&q.mu)
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		for {
			q.mu.Lock()
			for len(q.buf) == 0 && !q.done {
				q.cond.Wait()
			}
			if len(q.buf) == 0 {
				q.mu.Unlock()
				return
			}
			b := q.buf[0]
			q.buf = q.buf[1:]
			q.mu.Unlock()
			if _, err := w.Write(b); err != nil {
				q.mu.Lock()
				q.buf, q.done = nil, true // the reader is gone: drop the rest
				q.mu.Unlock()
				return
			}
		}
	}()
	return q
}

func (q *outQueue) write(b []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.done {
		q.buf = append(q.buf, slices.Clone(b))
		q.cond.Signal()
	}
}

func (q *outQueue) close() {
	q.mu.Lock()
	q.done = true
	q.cond.Signal()
	q.mu.Unlock()
	q.wg.Wait()
}
