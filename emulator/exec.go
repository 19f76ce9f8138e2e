package emulator

import (
	"bytes"
	"context"
	"errors"
	"net"
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
	Started    bool     `json:",omitempty"`
	Start      time.Time
	Duration   time.Duration      `json:",omitempty"`
	Forever    bool               `json:",omitempty"`
	ExitCode   int                `json:",omitempty"`
	Output     []process.LogEntry `json:",omitempty"`
}

// running reports whether the exec is still running at now in c.
func (x *execRec) running(c *ctrRec, now time.Time) bool {
	if !x.Started || !c.State.Running || (c.State.StartedAt.After(x.Start)) {
		return false
	}
	return x.Forever || now.Before(x.Start.Add(x.Duration))
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

// ExecCreate creates an exec instance in a running container.
func (e *Engine) ExecCreate(ctx context.Context, ref string, options client.ExecCreateOptions) (client.ExecCreateResult, error) {
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
			WorkingDir: options.WorkingDir, Env: slices.Clone(options.Env), Tty: options.TTY})
		if len(c.Execs) > maxExecs {
			c.Execs = c.Execs[len(c.Execs)-maxExecs:]
		}
		t.putContainer(c)
		t.containerEvent(events.Action("exec_create: "+strings.Join(options.Cmd, " ")), c, map[string]string{"execID": id})
		return nil
	})
	return client.ExecCreateResult{ID: id}, err
}

// ExecStart runs an exec instance (detached or not: the output is kept for
// ExecAttach and for the record). An exec runs once.
func (e *Engine) ExecStart(ctx context.Context, execID string, options client.ExecStartOptions) (client.ExecStartResult, error) {
	_, err := e.runExec(ctx, execID)
	return client.ExecStartResult{}, err
}

// runExec interprets the exec and records its outcome.
func (e *Engine) runExec(ctx context.Context, execID string) (*execRec, error) {
	var out *execRec
	err := e.update(ctx, func(t *txn) error {
		c, x, err := t.s.lookupExec(execID)
		if err != nil {
			return err
		}
		if x.Started {
			return errConflict("Error: Exec command %s has already run", x.ID)
		}
		if err := c.runnable(); err != nil {
			return err
		}
		c = cloneContainer(c)
		i := slices.IndexFunc(c.Execs, func(y *execRec) bool { return y.ID == x.ID })
		xx := *x
		x = &xx
		c.Execs[i] = x
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
		res, rerr := shell.Run(sc, x.Cmd)
		files.save(t)
		x.Started, x.Start = true, t.now
		var nf *shell.NotFoundError
		if errors.As(rerr, &nf) {
			x.ExitCode = 126
			x.Output = []process.LogEntry{{Time: t.now, Stream: shell.Stderr, Text: nf.ExecMessage()}}
		} else {
			x.ExitCode, x.Duration, x.Forever = res.ExitCode, res.Duration, res.RunsForever
			for _, l := range res.Lines() {
				x.Output = append(x.Output, process.LogEntry{Time: t.now.Add(l.Offset), Stream: l.Stream, Text: l.Render(t.now)})
			}
		}
		t.putContainer(c)
		cmd := strings.Join(x.Cmd, " ")
		t.containerEvent(events.Action("exec_start: "+cmd), c, map[string]string{"execID": x.ID})
		if !x.Forever {
			t.containerEvent(events.Action("exec_die"), c, map[string]string{"execID": x.ID, "exitCode": strconv.Itoa(x.ExitCode)})
		}
		out = x
		return nil
	})
	return out, err
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
		if x.running(c, e.now()) {
			out.Running, out.ExitCode, out.PID = true, 0, simulatedPid(c)+x.Seq
		}
		return nil
	})
	return out, err
}

// ExecAttach starts the exec and returns its output as dockerd streams it:
// multiplexed stdout/stderr frames, or raw with a TTY. The connection is closed
// after the last line (stdin is not read).
func (e *Engine) ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error) {
	x, err := e.runExec(ctx, execID)
	if err != nil {
		return client.ExecAttachResult{}, err
	}
	var buf bytes.Buffer
	f := &logFilter{stdout: true, stderr: true, tty: x.Tty || options.TTY}
	for _, l := range x.Output {
		f.render(&buf, l)
	}
	server, conn := net.Pipe()
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		defer server.Close()
		_, _ = server.Write(buf.Bytes())
	}()
	media := "application/vnd.docker.multiplexed-stream"
	if f.tty {
		media = "application/vnd.docker.raw-stream"
	}
	return client.ExecAttachResult{HijackedResponse: client.NewHijackedResponse(conn, media)}, nil
}
