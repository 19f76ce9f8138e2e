package emulator

import (
	"errors"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// The simulated runtime. A container's process is not a goroutine but a function
// of its command, its start time and the clock. At start the command and the
// health probes are interpreted once by package shell (process.NewSpec) and the
// resulting process.Spec is stored with the container: proc says whether and
// when the command exits on its own, healthSteps when its health status flips
// (a catalog server is ready after its start-up delay), Spec.Response what a
// signal does. Every engine call first runs advance, which applies the
// transitions due by the clock's now, each stamped with the time it happened
// (not the time it was seen). So the state at any time is a function of what
// was done and when, in every process.
//
// Containers stored before specs existed (Proc nil) keep the minimal model:
// true, false, exit N, sleep N and `sh -c` scripts of those.

// Health check defaults, as dockerd's.
const (
	defaultProbeInterval = 30 * time.Second
	defaultStartInterval = 5 * time.Second
	defaultRetries       = 3
	maxHealthLog         = 5
	minRestartDelay      = 100 * time.Millisecond
	maxRestartDelay      = time.Minute
)

// evalScript runs a shell script of the understood commands: whether it ends, after
// how long, with which code. ok is false for anything it does not understand.
func evalScript(script string) (after time.Duration, code int, ok bool) {
	script = strings.ReplaceAll(script, "&&", ";")
	for _, stmt := range strings.Split(script, ";") {
		f := strings.Fields(stmt)
		if len(f) == 0 {
			continue
		}
		d, c, exits, ok := evalArgv(f)
		if !ok {
			return 0, 0, false
		}
		after += d
		if exits || c != 0 {
			return after, c, true
		}
	}
	return after, 0, true
}

// evalArgv evaluates one command. exits reports an explicit exit (the script ends).
func evalArgv(argv []string) (d time.Duration, code int, exits, ok bool) {
	switch path.Base(argv[0]) {
	case "true", ":":
		return 0, 0, false, true
	case "false":
		return 0, 1, false, true
	case "exit":
		if len(argv) > 1 {
			n, err := strconv.Atoi(argv[1])
			if err != nil {
				return 0, 2, true, true
			}
			return 0, n & 0xff, true, true
		}
		return 0, 0, true, true
	case "sleep":
		if len(argv) != 2 {
			return 0, 0, false, false
		}
		if s, err := strconv.ParseFloat(strings.TrimSuffix(argv[1], "s"), 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second)), 0, false, true
		}
		if dd, err := time.ParseDuration(argv[1]); err == nil {
			return dd, 0, false, true
		}
	}
	return 0, 0, false, false
}

func isShell(p string) bool {
	switch path.Base(p) {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

// maxRuns bounds the runs a container remembers for its logs.
const maxRuns = 50

// procSpec interprets c's command and health probes as the shell/process
// packages do at start (their filesystem effects happen now). A container with
// no command keeps a nil spec: it runs until stopped.
func (t *txn) procSpec(c *ctrRec) (*process.Spec, error) {
	if c.Path == "" {
		return nil, nil
	}
	rp := c.HostConfig.RestartPolicy
	sc, files := t.shellContext(c)
	defer files.save(t)
	spec, err := process.NewSpec(process.Config{
		Argv:        append([]string{c.Path}, c.Args...),
		Context:     sc,
		Init:        c.HostConfig.Init != nil && *c.HostConfig.Init,
		StopSignal:  c.Config.StopSignal,
		Restart:     process.RestartPolicy{Name: string(rp.Name), MaxRetries: rp.MaximumRetryCount},
		Healthcheck: c.Config.Healthcheck,
	})
	var nf *shell.NotFoundError
	switch {
	case errors.As(err, &nf):
		return nil, causedBy{errInvalid("%s", nf.Error()), nf}
	case errors.Is(err, shell.ErrNoCommand):
		return nil, errInvalid("No command specified")
	case err != nil:
		return nil, errInvalid("%s", err.Error())
	}
	return spec, nil
}

// shellContext is what a command run in c sees: its env, dir, user, hostname,
// filesystem and network view. c must be a clone the caller puts; files.save
// stores the volumes the command wrote.
func (t *txn) shellContext(c *ctrRec) (shell.Context, *ctrFS) {
	files := t.containerFS(c)
	return shell.Context{
		Env: c.Config.Env, Dir: c.Config.WorkingDir, User: c.Config.User, Hostname: c.Config.Hostname,
		FS: files, Resolver: t.resolver(c), Image: imageRepo(c.Config.Image),
		Tty: c.Config.Tty, OpenStdin: c.Config.OpenStdin,
	}, files
}

// imageRepo is the repository of ref without tag or digest ("postgres").
func imageRepo(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}

// proc tells whether the container's command exits on its own, when, and with what.
func (c *ctrRec) proc() (exits bool, after time.Duration, code int) {
	if c.Proc != nil {
		cmd := &c.Proc.Command
		return !cmd.RunsForever, cmd.Duration, cmd.ExitCode
	}
	if c.Path == "" {
		return false, 0, 0
	}
	if isShell(c.Path) && len(c.Args) >= 2 && c.Args[0] == "-c" {
		after, code, ok := evalScript(c.Args[1])
		return ok, after, code
	}
	d, code, _, ok := evalArgv(append([]string{c.Path}, c.Args...))
	return ok, d, code
}

// healthChange returns c's next health status change after the last recorded
// one (zero time: none).
func (c *ctrRec) healthChange() (healthStep, bool) {
	if c.State.Health == nil {
		return healthStep{}, false
	}
	if c.Proc == nil || c.Proc.Health == nil {
		at, status := c.legacyHealthChange()
		return healthStep{At: at, Status: status}, !at.IsZero()
	}
	var last time.Time
	if n := len(c.State.Health.Log); n > 0 {
		last = c.State.Health.Log[n-1].Start
	}
	fp, hasFP := c.faultProbe(last)
	for _, st := range c.healthSteps() {
		if st.At.After(last) && st.Status != c.State.Health.Status {
			if hasFP && fp.At.Before(st.At) {
				return fp, true
			}
			return st, true
		}
	}
	return fp, hasFP
}

// healthPlan returns the container's health check: whether there is one and
// whether its test passes (containers started before process specs existed).
func (c *ctrRec) healthPlan() (hc *container.HealthConfig, passing bool) {
	h := c.Config.Healthcheck
	if h == nil || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return nil, false
	}
	passing = true
	switch h.Test[0] {
	case "CMD-SHELL":
		if len(h.Test) > 1 {
			if _, code, ok := evalScript(h.Test[1]); ok && code != 0 {
				passing = false
			}
		}
	case "CMD":
		if len(h.Test) > 1 {
			if isShell(h.Test[1]) && len(h.Test) > 3 && h.Test[2] == "-c" {
				if _, code, ok := evalScript(h.Test[3]); ok && code != 0 {
					passing = false
				}
			} else if _, code, _, ok := evalArgv(h.Test[1:]); ok && code != 0 {
				passing = false
			}
		}
	}
	return h, passing
}

// probeTimes returns the first n probe times after start: every StartInterval
// during the start period (when set), every Interval after.
func probeTimes(h *container.HealthConfig, start time.Time, n int) []time.Time {
	interval := orDefault(h.Interval, defaultProbeInterval)
	startInterval := orDefault(h.StartInterval, defaultStartInterval)
	out := make([]time.Time, 0, n)
	p := start
	for len(out) < n {
		step := interval
		if h.StartPeriod > 0 && p.Sub(start) < h.StartPeriod && h.StartInterval > 0 {
			step = startInterval
		}
		p = p.Add(step)
		out = append(out, p)
	}
	return out
}

// legacyHealthChange returns when the health status next changes and to what
// (zero time: it does not) for a container without a process spec.
func (c *ctrRec) legacyHealthChange() (time.Time, container.HealthStatus) {
	h, passing := c.healthPlan()
	if h == nil || c.State.Health == nil {
		return time.Time{}, ""
	}
	status := c.State.Health.Status
	if passing {
		if status == container.Healthy {
			return time.Time{}, ""
		}
		return probeTimes(h, c.State.StartedAt, 1)[0], container.Healthy
	}
	if status == container.Unhealthy {
		return time.Time{}, ""
	}
	retries := h.Retries
	if retries <= 0 {
		retries = defaultRetries
	}
	counted := 0
	for _, p := range probeTimes(h, c.State.StartedAt, retries+1000) {
		if p.Sub(c.State.StartedAt) >= h.StartPeriod {
			counted++
			if counted == retries {
				return p, container.Unhealthy
			}
		}
	}
	return time.Time{}, ""
}

// nextTransition is when the container's simulated state next changes: a
// restart after its backoff, the command's exit, a health status change, the
// kill of a stop in progress. Nothing but the kill happens while paused.
func (c *ctrRec) nextTransition() time.Time {
	st := c.State
	if st.Restarting {
		return c.RestartAt
	}
	if !st.Running {
		return time.Time{}
	}
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if p := c.stopPending(); p != nil {
		consider(p.KillAt)
	}
	if st.Paused {
		return next
	}
	if at, _, ok := c.exitAt(); ok {
		consider(at)
	}
	if h, ok := c.healthChange(); ok {
		consider(h.At)
	}
	return next
}

// advance applies every transition due by t.now, oldest first, each at its time.
func (t *txn) advance() {
	now := t.now
	defer func() { t.now = now }()
	for i := 0; i < 10000; i++ {
		due := t.s.nextDue()
		if due.IsZero() || due.After(now) {
			return
		}
		var next *ctrRec
		for _, c := range t.s.containers {
			if c.Due.Equal(due) && (next == nil || c.Seq < next.Seq) {
				next = c
			}
		}
		if next == nil {
			return
		}
		t.now = due
		t.transition(cloneContainer(next))
	}
}

// transition applies c's due transition at t.now.
func (t *txn) transition(c *ctrRec) {
	if c.State.Restarting {
		c.State.Restarting = false
		if err := t.start(c); err != nil {
			c.State.Status = container.StateExited
			c.State.Error = err.Error()
			t.putContainer(c)
		}
		return
	}
	if st, ok := c.healthChange(); ok && !c.State.Paused && st.At.Equal(t.now) {
		status := st.Status
		code, out, end := 0, "", t.now
		if c.Proc != nil && c.Proc.Health != nil {
			code, out = st.Probe.ExitCode, st.Probe.Output
			if !st.Probe.Forever {
				end = t.now.Add(st.Probe.Duration)
			}
			c.State.Health.FailingStreak = st.Streak
		} else if status == container.Unhealthy {
			code = 1
			c.State.Health.FailingStreak = defaultRetriesIfZero(c.Config.Healthcheck.Retries)
		} else {
			c.State.Health.FailingStreak = 0
		}
		changed := c.State.Health.Status != status
		c.State.Health.Status = status
		c.State.Health.Log = append(c.State.Health.Log, &container.HealthcheckResult{Start: t.now, End: end, ExitCode: code, Output: out})
		if n := len(c.State.Health.Log); n > maxHealthLog {
			c.State.Health.Log = c.State.Health.Log[n-maxHealthLog:]
		}
		t.putContainer(c)
		if changed { // dockerd emits health_status only when the status changes
			t.containerEvent(events.Action("health_status: "+string(status)), c, nil)
		}
		return
	}
	if at, code, ok := c.exitAt(); ok && !at.After(t.now) {
		t.exit(c, code, "")
		_ = t.afterExit(c, false)
		return
	}
	if p := c.stopPending(); p != nil && !p.KillAt.IsZero() && !p.KillAt.After(t.now) {
		// The stop timeout ran out: SIGKILL (kill 9, die 137, then stop).
		t.exit(c, 137, "9")
		_ = t.afterExit(c, true)
		return
	}
	t.putContainer(c) // nothing due after all: recompute Due
}

// orDefault is d, or def when d is not positive (dockerd's "0 means the
// default" for health check durations).
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func defaultRetriesIfZero(n int) int {
	if n <= 0 {
		return defaultRetries
	}
	return n
}

// causedBy is an error answered with dockerd's class and text (error) that
// keeps the cause it came from reachable through errors.As (the start's exit
// code depends on it).
type causedBy struct {
	error
	cause error
}

func (e causedBy) Unwrap() []error { return []error{e.error, e.cause} }
