package emulator

import (
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/process"
)

// Health evaluation of a container with a process spec. Probes are scheduled
// on the command's own time (start + every start_interval inside the start
// period, then every interval), so they do not run while the container is
// paused and resume, shifted by the pause, after it. An unhealthy fault
// (healthFault) makes every probe in its window fail with its message; when
// it begins during the run, a failing result is recorded at once and the
// status turns unhealthy (FailingStreak at least the retries).

type healthStep struct {
	At     time.Time
	Status container.HealthStatus
	Streak int
	Probe  process.Probe
}

// maxHealthProbes bounds the probes one evaluation walks (steady stretches
// are skipped, so only a changing outcome costs probes).
const maxHealthProbes = 10000

// probe is the outcome of c's health probe run at p (on the command's own
// time: p - StartedAt is the time the command has run).
func (c *ctrRec) probe(p time.Time) process.Probe {
	h := c.Proc.Health
	if srv := c.Proc.Command.Server; srv != nil && !p.Before(c.State.StartedAt.Add(srv.ReadyAfter)) {
		return h.Ready
	}
	return h.NotReady
}

// faultProbe is the failing result an unhealthy fault gives.
func (f *healthFault) probe() process.Probe {
	return process.Probe{ExitCode: 1, Output: f.Message}
}

// healthSteps simulates c's health probes from its start and returns the
// status changes in order, each at its wall time.
func (c *ctrRec) healthSteps() []healthStep {
	h := c.Proc.Health
	retries := defaultRetriesIfZero(h.Retries)
	interval := orDefault(h.Interval, defaultProbeInterval)
	startInterval := orDefault(h.StartInterval, defaultStartInterval)
	start := c.State.StartedAt
	readyAt := start
	if srv := c.Proc.Command.Server; srv != nil {
		readyAt = start.Add(srv.ReadyAfter)
	}
	fault := c.healthFault()
	var forceAt time.Time // the fault began in this run: it shows at once
	if fault != nil && !fault.Since.Before(start) {
		forceAt = fault.Since
	}
	// boundary is the next wall time after w at which outcomes change.
	boundary := func(w time.Time) time.Time {
		for _, b := range []time.Time{forceAt, sinceOf(fault), untilOf(fault)} {
			if !b.IsZero() && b.After(w) {
				return b
			}
		}
		return time.Time{}
	}
	status, streak := container.Starting, 0
	var out []healthStep
	settled := 0
	p := start
	for range maxHealthProbes {
		step := interval
		if h.StartPeriod > 0 && p.Sub(start) < h.StartPeriod && h.StartInterval > 0 {
			step = startInterval
		}
		p = p.Add(step)
		w, ok := c.wallAt(p.Sub(start))
		if !ok {
			break // a pause holds the command before this probe
		}
		if !forceAt.IsZero() && !forceAt.After(w) {
			if status != container.Unhealthy {
				streak = max(streak+1, retries)
				status = container.Unhealthy
				out = append(out, healthStep{At: forceAt, Status: status, Streak: streak, Probe: fault.probe()})
			}
			forceAt = time.Time{}
		}
		pr := c.probe(p)
		if fault.active(w) {
			pr = fault.probe()
		}
		next := status
		if pr.ExitCode == 0 {
			next, streak = container.Healthy, 0
		} else if p.Sub(start) >= h.StartPeriod {
			streak++
			if streak >= retries {
				next = container.Unhealthy
			}
		}
		if next != status {
			status = next
			out = append(out, healthStep{At: w, Status: status, Streak: streak, Probe: pr})
		}
		if p.Before(readyAt) || p.Sub(start) < h.StartPeriod {
			continue
		}
		// The outcome no longer changes until the next boundary: the status
		// settles within retries probes, then skip to just before it.
		if settled++; settled <= retries+1 {
			continue
		}
		b := boundary(w)
		if b.IsZero() {
			break
		}
		if k := (start.Add(c.activeAt(b)).Sub(p) / interval) - 1; k > 0 {
			p = p.Add(k * interval)
			if pr.ExitCode != 0 {
				streak += int(k)
			}
		}
		settled = 0
	}
	return out
}

func sinceOf(f *healthFault) time.Time {
	if f == nil {
		return time.Time{}
	}
	return f.Since
}

func untilOf(f *healthFault) time.Time {
	if f == nil {
		return time.Time{}
	}
	return f.Until
}

// faultProbe is the next probe after last while an unhealthy fault holds an
// unhealthy container: it fails with the fault's message and adds one to
// FailingStreak (no status change, so no event). Recorded one by one, so a
// faulted container's log shows each failing probe; only faulted containers
// pay a transition per probe.
func (c *ctrRec) faultProbe(last time.Time) (healthStep, bool) {
	hf := c.healthFault()
	if hf == nil || c.State.Health.Status != container.Unhealthy {
		return healthStep{}, false
	}
	next, ok := c.nextProbeAfter(maxTime(last, hf.Since))
	if !ok || !hf.active(next) {
		return healthStep{}, false
	}
	return healthStep{At: next, Status: container.Unhealthy, Streak: c.State.Health.FailingStreak + 1, Probe: hf.probe()}, true
}

// nextProbeAfter is the wall time of the first health probe of the current
// run after w (ok false while a pause holds the command before it).
func (c *ctrRec) nextProbeAfter(w time.Time) (time.Time, bool) {
	h := c.Proc.Health
	interval := orDefault(h.Interval, defaultProbeInterval)
	start := c.State.StartedAt
	target := start.Add(c.activeAt(w)) // w on the command's own time
	p := start
	for range maxHealthProbes {
		if h.StartPeriod > 0 && h.StartInterval > 0 && p.Sub(start) < h.StartPeriod {
			p = p.Add(h.StartInterval)
		} else {
			if k := target.Sub(p) / interval; k > 1 {
				p = p.Add((k - 1) * interval)
			}
			p = p.Add(interval)
		}
		pw, ok := c.wallAt(p.Sub(start))
		if !ok {
			return time.Time{}, false
		}
		if pw.After(w) {
			return pw, true
		}
	}
	return time.Time{}, false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
