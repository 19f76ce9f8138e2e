package emulator

import (
	"time"

	"github.com/reconciler/reconciler/emulator/process"
)

// lifeRec is a container's lifecycle bookkeeping beyond ctrState (the field
// ctrRec.Life). It is immutable once stored: changes make a new one.
type lifeRec struct {
	// Stop is a stop in progress: the stop signal was sent and the process
	// has not exited yet (nil: none).
	Stop *pendingStop `json:",omitempty"`
	// HealthFault is the window of an unhealthy fault rule (nil: none).
	HealthFault *healthFault `json:",omitempty"`
}

// pendingStop is a ContainerStop or ContainerRestart waiting for the process
// to exit after the stop signal. While it exists the container is running.
//
// Invariants: the die that ends the run (the command's own exit, a kill, the
// SIGKILL at KillAt) is followed by a stop event in the same transaction and
// no restart policy applies; with Restart the container is started again at
// the die's time, followed by a restart event.
type pendingStop struct {
	Since time.Time
	// KillAt is when SIGKILL is sent (the stop timeout ran out); zero: never
	// (timeout -1 waits forever).
	KillAt time.Time
	// Restart: a ContainerRestart, whose start follows the exit.
	Restart bool `json:",omitempty"`
}

// healthFault makes every health probe from Since (until Until, zero: while
// the rule exists) fail with Message: an unhealthy fault rule (faults.go),
// enforced by the runtime's health evaluation (lifecycle_health.go).
type healthFault struct {
	Rule    string
	Since   time.Time
	Until   time.Time `json:",omitempty"`
	Message string
}

// active reports whether the fault makes a probe at w fail.
func (f *healthFault) active(w time.Time) bool {
	return f != nil && !w.Before(f.Since) && (f.Until.IsZero() || w.Before(f.Until))
}

func (c *ctrRec) stopPending() *pendingStop {
	if c.Life == nil {
		return nil
	}
	return c.Life.Stop
}

func (c *ctrRec) healthFault() *healthFault {
	if c.Life == nil {
		return nil
	}
	return c.Life.HealthFault
}

// setStop replaces the pending stop (nil clears it).
func (c *ctrRec) setStop(p *pendingStop) {
	l := lifeRec{}
	if c.Life != nil {
		l = *c.Life
	}
	l.Stop = p
	c.setLife(l)
}

// setHealthFault replaces the health fault (nil clears it).
func (c *ctrRec) setHealthFault(f *healthFault) {
	l := lifeRec{}
	if c.Life != nil {
		l = *c.Life
	}
	l.HealthFault = f
	c.setLife(l)
}

func (c *ctrRec) setLife(l lifeRec) {
	if l == (lifeRec{}) {
		c.Life = nil
		return
	}
	c.Life = &l
}

// lastRun is the current (or last) run, nil before the first start or for a
// container stored before runs were recorded.
func (c *ctrRec) lastRun() *process.Run {
	if n := len(c.Runs); n > 0 {
		return &c.Runs[n-1]
	}
	return nil
}

// wallAt is the wall time at which the current run has been active (not
// paused) for d, the frame of its health probes; ok is false while a pause
// holds it before d.
func (c *ctrRec) wallAt(d time.Duration) (time.Time, bool) {
	if r := c.lastRun(); r != nil && r.Start.Equal(c.State.StartedAt) {
		return r.ActiveWall(d)
	}
	return c.State.StartedAt.Add(d), true
}

// eventAt is the wall time at which the current run's command acts at offset
// d of its own time (its timers run on while paused: process.Run.WallTime);
// ok is false while a pause holds it before d.
func (c *ctrRec) eventAt(d time.Duration) (time.Time, bool) {
	if r := c.lastRun(); r != nil && r.Start.Equal(c.State.StartedAt) && c.Proc != nil {
		return r.WallTime(d, c.Proc.Command.Wakes)
	}
	return c.State.StartedAt.Add(d), true
}

// activeAt is how long the current run's command has run by t (paused time
// excluded).
func (c *ctrRec) activeAt(t time.Time) time.Duration {
	if r := c.lastRun(); r != nil && r.Start.Equal(c.State.StartedAt) {
		return r.Active(t)
	}
	return max(t.Sub(c.State.StartedAt), 0)
}

// pauseRun records that the current run is paused (or resumed) at t. c must be
// a clone (cloneContainer copies Runs; Run.Pause copies its Pauses).
func (c *ctrRec) pauseRun(t time.Time, pause bool) {
	r := c.lastRun()
	if r == nil || !r.End.IsZero() {
		return
	}
	if pause {
		*r = r.Pause(t)
	} else {
		*r = r.Resume(t)
	}
}

// exitAt is when the current run's command exits by itself, with which code;
// ok is false when it does not (it runs until stopped, or a pause holds it).
func (c *ctrRec) exitAt() (at time.Time, code int, ok bool) {
	exits, after, code := c.proc()
	if !exits {
		return time.Time{}, 0, false
	}
	at, ok = c.eventAt(after)
	return at, code, ok
}

// keepRunLines stores in each earlier run the lines it printed, before a start
// replaces c.Proc (whose command printed them): every run, automatic restarts
// included, re-runs the command, and the logs show each run's own output.
func (c *ctrRec) keepRunLines() {
	for i := range c.Runs {
		if r := &c.Runs[i]; !r.Kept {
			r.Kept = true
			if c.Proc != nil {
				r.Lines, r.Wakes = c.Proc.Command.Lines(), c.Proc.Command.Wakes
			}
		}
	}
}
