package dockerpy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"

	"github.com/moby/moby/client"
)

// execEngine is the optional exec method set used by Container.ExecRun.
type execEngine interface {
	ExecCreate(ctx context.Context, container string, options client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error)
	ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error)
}

// statsEngine is the optional ContainerStats method used by Container.Stats.
type statsEngine interface {
	ContainerStats(ctx context.Context, container string, options client.ContainerStatsOptions) (client.ContainerStatsResult, error)
}

var (
	_ execEngine  = (*client.Client)(nil)
	_ statsEngine = (*client.Client)(nil)
)

// errNotImplemented is returned when the engine lacks the optional method.
var errNotImplemented = &APIError{StatusCode: http.StatusNotImplemented, Explanation: "not implemented by this engine"}

// ExecOptions are docker-py's exec_run keyword arguments.
type ExecOptions struct {
	User        string
	Workdir     string
	Environment map[string]string
	Tty         bool
}

// ExecResult is docker-py's ExecResult(exit_code, output): the output is
// stdout and stderr as the exec printed them.
type ExecResult struct {
	ExitCode int
	Output   []byte
}

// ExecRun runs cmd in the running container (docker-py's exec_run): create,
// attach, then inspect for the exit code. A stopped container is a 409
// APIError, as with docker-py.
func (c *Container) ExecRun(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
	ee, ok := c.client.engine.(execEngine)
	if !ok {
		return ExecResult{}, errNotImplemented
	}
	var env []string
	keys := make([]string, 0, len(opts.Environment))
	for k := range opts.Environment {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+opts.Environment[k])
	}
	x, err := ee.ExecCreate(ctx, c.ID(), client.ExecCreateOptions{Cmd: cmd, User: opts.User, WorkingDir: opts.Workdir,
		Env: env, TTY: opts.Tty, AttachStdout: true, AttachStderr: true})
	if err != nil {
		return ExecResult{}, wrap(err)
	}
	att, err := ee.ExecAttach(ctx, x.ID, client.ExecAttachOptions{TTY: opts.Tty})
	if err != nil {
		return ExecResult{}, wrap(err)
	}
	raw, err := io.ReadAll(att.Reader)
	att.Close()
	if err != nil {
		return ExecResult{}, err
	}
	in, err := ee.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})
	if err != nil {
		return ExecResult{}, wrap(err)
	}
	out := raw
	if !opts.Tty {
		out = demux(raw)
	}
	return ExecResult{ExitCode: in.ExitCode, Output: out}, nil
}

// LogsOptions are docker-py's logs keyword arguments (Stdout and Stderr both
// default to true when neither is set).
type LogsOptions struct {
	Stdout, Stderr bool
	Timestamps     bool
	Tail           string // "all" or a number
	Since, Until   string
}

// Logs returns the container's output (docker-py's logs(stream=False)).
func (c *Container) Logs(ctx context.Context, opts LogsOptions) ([]byte, error) {
	le, ok := c.client.engine.(logsEngine)
	if !ok {
		return nil, errNotImplemented
	}
	if !opts.Stdout && !opts.Stderr {
		opts.Stdout, opts.Stderr = true, true
	}
	if opts.Tail == "" {
		opts.Tail = "all"
	}
	rc, err := le.ContainerLogs(ctx, c.ID(), client.ContainerLogsOptions{ShowStdout: opts.Stdout, ShowStderr: opts.Stderr,
		Timestamps: opts.Timestamps, Tail: opts.Tail, Since: opts.Since, Until: opts.Until})
	if err != nil {
		return nil, wrap(err)
	}
	return c.readOutput(rc)
}

// Stats returns one stats sample as docker-py's stats(stream=False) does: the
// decoded JSON document ("cpu_stats", "memory_stats", "networks", ...), with
// the previous sample filled in.
func (c *Container) Stats(ctx context.Context) (map[string]any, error) {
	se, ok := c.client.engine.(statsEngine)
	if !ok {
		return nil, errNotImplemented
	}
	res, err := se.ContainerStats(ctx, c.ID(), client.ContainerStatsOptions{IncludePreviousSample: true})
	if err != nil {
		return nil, wrap(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, errors.Join(errors.New("decode stats"), err)
	}
	return out, nil
}
