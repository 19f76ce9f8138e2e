package process

import (
	"errors"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/shell"
)

// ErrBadHealthcheck marks a health check Test that is not NONE, CMD or CMD-SHELL.
var ErrBadHealthcheck = errors.New("bad healthcheck test")

// maxProbeOutput is dockerd's cap on a probe's recorded output.
const maxProbeOutput = 4096

// ProbeOutcomes runs a health check test (["CMD", argv...] or ["CMD-SHELL",
// script]) with the interpreter, as an exec in the container would run, once
// while the container's server is not ready and once when it is.
// Probes of localhost see server's ports (any port when server has none).
func ProbeOutcomes(test []string, c shell.Context, server *shell.Server) (notReady, ready Probe, err error) {
	var argv []string
	switch {
	case len(test) >= 2 && test[0] == "CMD":
		argv = test[1:]
	case len(test) == 2 && test[0] == "CMD-SHELL":
		argv = []string{"/bin/sh", "-c", test[1]}
	default:
		return Probe{}, Probe{}, fmt.Errorf("%w: %q", ErrBadHealthcheck, test)
	}
	run := func(isReady bool) Probe {
		cc := c
		cc.Ready = func(port int) bool { return isReady && server != nil && server.Listens(port) }
		res, err := shell.Run(cc, argv)
		var nf *shell.NotFoundError
		if errors.As(err, &nf) {
			return Probe{ExitCode: -1, Output: nf.ExecMessage()}
		}
		out := res.Output(time.Time{})
		if len(out) > maxProbeOutput {
			out = out[:maxProbeOutput]
		}
		return Probe{ExitCode: res.ExitCode, Output: out, Duration: res.Duration, Forever: res.RunsForever}
	}
	// The filesystem may be written by a probe: run each on its own view is the
	// caller's choice; the outcomes are computed in order not-ready, ready.
	return run(false), run(true), nil
}

// NewHealthcheck builds the Healthcheck of a container from its effective
// HealthConfig (the container's, else the image's): nil for none or NONE.
func NewHealthcheck(cfg *container.HealthConfig, c shell.Context, server *shell.Server) (*Healthcheck, error) {
	if cfg == nil || len(cfg.Test) == 0 || cfg.Test[0] == "NONE" {
		return nil, nil
	}
	nr, r, err := ProbeOutcomes(cfg.Test, c, server)
	if err != nil {
		return nil, err
	}
	return &Healthcheck{Test: cfg.Test, Interval: cfg.Interval, Timeout: cfg.Timeout, StartPeriod: cfg.StartPeriod,
		StartInterval: cfg.StartInterval, Retries: cfg.Retries, NotReady: nr, Ready: r}, nil
}

// Docker converts h to the moby API type used in State.Health.
func (h *Health) Docker() *container.Health {
	if h == nil {
		return nil
	}
	out := &container.Health{Status: container.HealthStatus(h.Status), FailingStreak: h.FailingStreak,
		Log: make([]*container.HealthcheckResult, len(h.Log))}
	for i, r := range h.Log {
		out.Log[i] = &container.HealthcheckResult{Start: r.Start, End: r.End, ExitCode: r.ExitCode, Output: r.Output}
	}
	return out
}

// LogEntry is one container log line at its wall time.
type LogEntry struct {
	Time   time.Time
	Stream int // shell.Stdout or shell.Stderr
	Text   string
	// Partial: printed without a trailing newline (the command's last output).
	Partial bool `json:",omitempty"`
}

// Logs returns what the command printed in every run up to now, in order. A
// run prints its own Lines when Kept, else the lines of cmd (the current
// command). A line is printed at the wall time its offset maps to
// (Run.WallTime: timers run on while paused); lines falling after the run's
// end (or after now), or behind a pause still in progress, were never printed.
func Logs(cmd *shell.Result, runs []Run, now time.Time) []LogEntry {
	var current []shell.Line
	var out []LogEntry
	for i := range runs {
		r := &runs[i]
		end := now
		if !r.End.IsZero() && r.End.Before(now) {
			end = r.End
		}
		lines, wakes := r.Lines, r.Wakes
		if !r.Kept {
			if current == nil {
				current = cmd.Lines()
			}
			lines, wakes = current, cmd.Wakes
		}
		for _, l := range lines {
			t, ok := r.WallTime(l.Offset, wakes)
			if !ok || t.After(end) {
				break
			}
			out = append(out, LogEntry{Time: t, Stream: l.Stream, Text: l.Render(t.Add(-l.Offset)), Partial: l.Partial})
		}
	}
	return out
}

// Config is what the engine knows about a container when it starts it.
type Config struct {
	// Argv is the effective command: Entrypoint followed by Cmd.
	Argv []string
	// Context is the command's environment: env, dir, user, hostname, the
	// container's filesystem, its network view, the image repository.
	Context    shell.Context
	Init       bool
	StopSignal string
	Restart    RestartPolicy
	// Healthcheck is the effective health check (the container's, else the
	// image's); nil or Test NONE for none.
	Healthcheck *container.HealthConfig
}

// NewSpec interprets the command and the health probes of a container being
// started (their filesystem effects happen now) and returns its Spec. It fails
// as dockerd's start does: *shell.NotFoundError (errors.Is shell.ErrNotFound;
// the container keeps ExitCode 127) or shell.ErrNoCommand; a bad health check
// test gives ErrBadHealthcheck. A malformed `sh -c` script is not an error: the
// process starts and sh exits 2, as in Docker.
func NewSpec(cfg Config) (*Spec, error) {
	res, err := shell.Run(cfg.Context, cfg.Argv)
	if err != nil && !errors.Is(err, shell.ErrSyntax) && !errors.Is(err, shell.ErrUnsupported) {
		return nil, err
	}
	hc, err := NewHealthcheck(cfg.Healthcheck, cfg.Context, res.Server)
	if err != nil {
		return nil, err
	}
	return &Spec{Command: res, Init: cfg.Init, StopSignal: cfg.StopSignal, Restart: cfg.Restart, Health: hc}, nil
}

// Listening reports whether the container, whose state at t is st, accepts
// connections on port at t: its server is running, ready, and listens there
// (port 0: its default). The engine's shell.Resolver.Dial and an exec's
// shell.Context.Ready use it.
func (st *Status) Listening(spec *Spec, port int, t time.Time) bool {
	srv := spec.Command.Server
	return st.State == StateRunning && srv != nil && !st.ReadyAt.IsZero() && !t.Before(st.ReadyAt) && srv.Listens(port)
}
