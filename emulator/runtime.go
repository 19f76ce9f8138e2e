package emulator

import (
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// The simulated runtime. A container's process is not a goroutine but a function
// of its command, its start time and the clock: proc says whether and when it exits
// on its own, healthPlan when its health status flips. Every engine call first runs
// advance, which applies the transitions due by the clock's now, each stamped with
// the time it happened (not the time it was seen). So the state at any time is a
// function of what was done and when, in every process.
//
// Commands understood: true, false, exit N, sleep N (exit 0 after N seconds), and
// `sh -c` scripts made of those joined by ";" or "&&". Anything else (a server's
// default command) runs until stopped.

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

// proc tells whether the container's command exits on its own, when, and with what.
func (c *ctrRec) proc() (exits bool, after time.Duration, code int) {
	if isShell(c.Path) && len(c.Args) >= 2 && c.Args[0] == "-c" {
		after, code, ok := evalScript(c.Args[1])
		return ok, after, code
	}
	d, code, _, ok := evalArgv(append([]string{c.Path}, c.Args...))
	return ok, d, code
}

// healthPlan returns the container's health check: whether there is one and
// whether its test passes.
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
	interval := h.Interval
	if interval <= 0 {
		interval = defaultProbeInterval
	}
	startInterval := h.StartInterval
	if startInterval <= 0 {
		startInterval = defaultStartInterval
	}
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

// healthChange returns when the health status next changes and to what (zero time:
// it does not).
func (c *ctrRec) healthChange() (time.Time, container.HealthStatus) {
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

// nextTransition is when the container's simulated state next changes.
func (c *ctrRec) nextTransition() time.Time {
	st := c.State
	if st.Restarting {
		return c.RestartAt
	}
	if !st.Running || st.Paused {
		return time.Time{}
	}
	var next time.Time
	if exits, after, _ := c.proc(); exits {
		next = st.StartedAt.Add(after)
	}
	if h, _ := c.healthChange(); !h.IsZero() && (next.IsZero() || h.Before(next)) {
		next = h
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
	if at, status := c.healthChange(); !at.IsZero() && at.Equal(t.now) {
		code := 0
		if status == container.Unhealthy {
			code = 1
			c.State.Health.FailingStreak = defaultRetriesIfZero(c.Config.Healthcheck.Retries)
		} else {
			c.State.Health.FailingStreak = 0
		}
		c.State.Health.Status = status
		c.State.Health.Log = append(c.State.Health.Log, &container.HealthcheckResult{Start: t.now, End: t.now, ExitCode: code})
		if n := len(c.State.Health.Log); n > maxHealthLog {
			c.State.Health.Log = c.State.Health.Log[n-maxHealthLog:]
		}
		t.putContainer(c)
		t.containerEvent(events.Action("health_status: "+string(status)), c, nil)
		return
	}
	if exits, _, code := c.proc(); exits {
		t.exit(c, code, "")
		_ = t.afterExit(c, false)
		return
	}
	t.putContainer(c) // nothing due after all: recompute Due
}

func defaultRetriesIfZero(n int) int {
	if n <= 0 {
		return defaultRetries
	}
	return n
}
