package emulator

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// Exec. An exec is interpreted by package shell when it starts, in the
// container's context (env, user, working directory, filesystem, network
// view; its own Env, User and WorkingDir override), and its record (command,
// start time, simulated duration, exit code, output lines) is kept with the
// container (ctrRec.Execs, the newest maxExecs), so ExecInspect in another
// process sees it. An exec is running until its simulated duration has passed
// (forever for a server or `sleep infinity`, until the container stops).
//
// Stdin: an exec created with AttachStdin and started by ExecAttach reads what
// the client writes on the hijacked connection until the client closes its
// write side (CloseWrite, or Close; with a TTY also a ^D byte). Meanwhile the
// exec is started and running (Waiting); at end of input it is interpreted
// with that input (shell.RunStdin) and its output is sent, so the input is
// processed as one batch: a TTY session is not interactive and its input is
// not echoed. ExecStart (detached) gives it an input that ends at once, as
// dockerd does.

// maxExecs bounds the exec records a container keeps.
const maxExecs = 50

// execRec is one exec instance.
type execRec struct {
	ID         string
	Seq        int // creation order within the container
	Cmd        []string
	User       string   `json:",omitempty"`
	WorkingDir string   `json:",omitempty"`
	Env        []string `json:",omitempty"`
	Tty        bool     `json:",omitempty"`
	// Stdin is AttachStdin: ExecAttach feeds the exec the client's input.
	Stdin   bool `json:",omitempty"`
	Started bool `json:",omitempty"`
	// Waiting is set from an attached stdin exec's start until its input
	// ended: it is running, its outcome not yet interpreted.
	Waiting  bool `json:",omitempty"`
	Start    time.Time
	Duration time.Duration `json:",omitempty"`
	Forever  bool          `json:",omitempty"`
	// StartError is runc's message when the command could not be started
	// (not found, not executable): the exec never had a process, so no pid.
	StartError string             `json:",omitempty"`
	ExitCode   int                `json:",omitempty"`
	Output     []process.LogEntry `json:",omitempty"`
}

// running reports whether the exec is still running at now in c.
func (x *execRec) running(c *ctrRec, now time.Time) bool {
	if !x.Started || !c.State.Running || (c.State.StartedAt.After(x.Start)) {
		return false
	}
	return x.Forever || x.Waiting || now.Before(x.Start.Add(x.Duration))
}

// lookupExec finds an exec by id (or unique prefix) in any container.
func (s *state) lookupExec(id string) (*ctrRec, *execRec, error) {
	for _, c := range s.sorted() {
		for _, x := range c.Execs {
			if x.ID == id || (len(id) >= 4 && strings.HasPrefix(x.ID, id)) {
				return c, x, nil
			}
		}
	}
	return nil, nil, errNotFound("No such exec instance: %s", id)
}

// runnable checks that c can run an exec, with dockerd's 409 errors.
func (c *ctrRec) runnable() error {
	switch {
	case c.State.Paused:
		return errConflict("Container %s is paused, unpause the container before exec", c.ID)
	case c.State.Restarting:
		return errConflict("Container %s is restarting, wait until the container is running", c.ID)
	case !c.State.Running:
		return errConflict("Container %s is not running", c.ID)
	}
	return nil
}

// ExecCreate creates an exec instance in a running container. Fault rules
// for OpExecCreate apply to the container (faults.go).
func (e *Engine) ExecCreate(ctx context.Context, ref string, options client.ExecCreateOptions) (client.ExecCreateResult, error) {
	if err := e.faultContainer(ctx, OpExecCreate, ref); err != nil { // fault injection (faults.go)
		return client.ExecCreateResult{}, err
	}
	if len(options.Cmd) == 0 {
		return client.ExecCreateResult{}, errInvalid("No exec command specified")
	}
	var id string
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if err := c.runnable(); err != nil {
			return err
		}
		c = cloneContainer(c)
		id = newID()
		seq := 1
		if n := len(c.Execs); n > 0 {
			seq = c.Execs[n-1].Seq + 1
		}
		c.Execs = append(c.Execs, &execRec{ID: id, Seq: seq, Cmd: slices.Clone(options.Cmd), User: options.User,
			WorkingDir: options.WorkingDir, Env: slices.Clone(options.Env), Tty: options.TTY, Stdin: options.AttachStdin})
		if len(c.Execs) > maxExecs {
			c.Execs = c.Execs[len(c.Execs)-maxExecs:]
		}
		t.putContainer(c)
		t.containerEvent(events.Action("exec_create: "+strings.Join(options.Cmd, " ")), c, map[string]string{"execID": id})
		return nil
	})
	return client.ExecCreateResult{ID: id}, err
}

// ExecStart runs an exec instance detached: its output is kept for the record
// only and its input, if any, ends at once. An exec runs once. Fault rules for
// OpExecStart apply to its container.
func (e *Engine) ExecStart(ctx context.Context, execID string, options client.ExecStartOptions) (client.ExecStartResult, error) {
	if err := e.faultExec(ctx, execID); err != nil { // fault injection (faults.go)
		return client.ExecStartResult{}, err
	}
	x, err := e.runExec(ctx, execID, false)
	if err == nil && x.StartError != "" {
		// Detached, dockerd reports runc's failure to start the command as
		// the call's error (400); the exec is recorded, exit code 126.
		err = errInvalid("%s", x.StartError)
	}
	return client.ExecStartResult{}, err
}

// runExec starts the exec and records it. With attached (ExecAttach) an exec
// created with AttachStdin is only marked started and Waiting: finishExec
// interprets it once its input ended. Otherwise it is interpreted now with
// an input that ends at once.
func (e *Engine) runExec(ctx context.Context, execID string, attached bool) (*execRec, error) {
	var out *execRec
	err := e.update(ctx, func(t *txn) error {
		c, x, err := t.s.lookupExec(execID)
		if err != nil {
			return err
		}
		if x.Started {
			if x.running(c, t.now) {
				return errConflict("Error: Exec command %s is already running", x.ID)
			}
			return errConflict("Error: Exec command %s has already run", x.ID)
		}
		if err := c.runnable(); err != nil {
			return err
		}
		c, x = c.withExecCopy(x)
		x.Started, x.Start = true, t.now
		cmd := strings.Join(x.Cmd, " ")
		t.containerEvent(events.Action("exec_start: "+cmd), c, map[string]string{"execID": x.ID})
		if attached && x.Stdin {
			x.Waiting = true
			t.putContainer(c)
		} else {
			t.interpretExec(c, x, nil)
		}
		out = x
		return nil
	})
	return out, err
}

// withExecCopy returns a clone of c whose record of x is a copy the caller may
// change (records are never changed in place), and that copy.
func (c *ctrRec) withExecCopy(x *execRec) (*ctrRec, *execRec) {
	c = cloneContainer(c)
	i := slices.IndexFunc(c.Execs, func(y *execRec) bool { return y.ID == x.ID })
	xx := *x
	c.Execs[i] = &xx
	return c, &xx
}

// interpretExec runs the started exec x of c (both the caller's copies) with
// stdin, now: its outcome (exit code, output stamped from now, duration from
// its start), the files it wrote, the container record and exec_die.
func (t *txn) interpretExec(c *ctrRec, x *execRec, stdin []byte) {
	sc, files := t.execContext(c, x)
	res, rerr := shell.RunStdin(sc, x.Cmd, stdin)
	files.save(t)
	x.Waiting = false
	var nf *shell.NotFoundError
	if errors.As(rerr, &nf) {
		// runc never started a process: no pid, exit 126, and dockerd writes
		// runc's message on stdout, ending CRLF (its own console line end).
		x.ExitCode, x.Duration, x.StartError = 126, t.now.Sub(x.Start), nf.ExecMessage()
		// The text carries its own line end: Partial keeps the renderer from
		// adding one, with or without a TTY.
		x.Output = []process.LogEntry{{Time: t.now, Stream: shell.Stdout, Text: x.StartError + "\r\n", Partial: true}}
	} else {
		x.ExitCode, x.Duration, x.Forever = res.ExitCode, t.now.Sub(x.Start)+res.Duration, res.RunsForever
		x.Output = execOutput(&res, t.now)
	}
	t.putContainer(c)
	if !x.Forever {
		t.containerEvent(events.Action("exec_die"), c, map[string]string{"execID": x.ID, "exitCode": strconv.Itoa(x.ExitCode)})
	}
}

// execContext is what exec x's command sees in container c (a clone): the
// container's context with the exec's env, user and working dir.
func (t *txn) execContext(c *ctrRec, x *execRec) (shell.Context, *ctrFS) {
	sc, files := t.shellContext(c)
	sc.Env = append(slices.Clone(sc.Env), x.Env...)
	if x.User != "" {
		sc.User = x.User
	}
	if x.WorkingDir != "" {
		sc.Dir = x.WorkingDir
	}
	sc.Tty, sc.OpenStdin = x.Tty, false
	sc.Ready = func(port int) bool { return c.serving(port, t.now) }
	return sc, files
}

// execOutput is a command's output as an exec's log entries, starting at now.
func execOutput(res *shell.Result, now time.Time) []process.LogEntry {
	var out []process.LogEntry
	for _, l := range res.Lines() {
		out = append(out, process.LogEntry{Time: now.Add(l.Offset), Stream: l.Stream, Text: l.Render(now), Partial: l.Partial})
	}
	return out
}

// ExecInspect describes an exec instance: whether it is running and its exit code.
func (e *Engine) ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error) {
	var out client.ExecInspectResult
	err := e.view(ctx, func(s *state) error {
		c, x, err := s.lookupExec(execID)
		if err != nil {
			return err
		}
		out = client.ExecInspectResult{ID: x.ID, ContainerID: c.ID, ExitCode: x.ExitCode}
		if x.Started && x.StartError == "" {
			out.PID = simulatedPid(c) + x.Seq // dockerd keeps it after the exec exits
		}
		if x.running(c, e.now()) {
			out.Running, out.ExitCode = true, 0
		}
		return nil
	})
	return out, err
}

// ExecAttach starts the exec and returns its output as dockerd streams it:
// multiplexed stdout/stderr frames, or raw with a TTY; the connection is closed
// after the last line. For an exec created with AttachStdin, what the client
// writes on the connection is the command's input, and the output comes once
// the client closed its write side (HijackedResponse.CloseWrite) or the
// connection; otherwise client writes are read and dropped. Fault rules for
// OpExecStart apply to its container.
func (e *Engine) ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error) {
	if err := e.faultExec(ctx, execID); err != nil { // fault injection (faults.go)
		return client.ExecAttachResult{}, err
	}
	x, err := e.runExec(ctx, execID, true)
	if err != nil {
		return client.ExecAttachResult{}, err
	}
	tty := x.Tty || options.TTY
	server, conn := newPipeConns()
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		e.serveExec(context.WithoutCancel(ctx), server, x, tty)
	}()
	media := "application/vnd.docker.multiplexed-stream"
	if tty {
		media = "application/vnd.docker.raw-stream"
	}
	return client.ExecAttachResult{HijackedResponse: client.NewHijackedResponse(conn, media)}, nil
}
