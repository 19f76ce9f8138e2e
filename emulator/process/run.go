package process

import (
	"slices"
	"time"
)

// WallTime returns the wall time at which the run's command acts at offset d
// of its own time, given wakes, the offsets at which it woke from a timer
// (shell.Result.Wakes). As under dockerd's cgroup freeze, a paused command
// does nothing but its timers keep running: each wait starts when the
// command last acted and ends its own length later, and what falls due
// during a pause happens at the unpause. So `sh -c 'echo a; sleep 5; echo b'`
// paused from 1 s to 4 s prints b at 5 s, and paused from 1 s to 7 s at 7 s.
// ok is false when a pause still in progress holds the command before d. A
// pause beginning exactly when something falls due does not delay it (what
// is due at a time happens before an action taken at that time). Offsets
// past the last wake count as one wait from it.
func (r *Run) WallTime(d time.Duration, wakes []time.Duration) (t time.Time, ok bool) {
	w, last := r.Start, time.Duration(0)
	for _, p := range wakes {
		if p > d {
			break
		}
		if w, ok = r.release(w.Add(p - last)); !ok {
			return time.Time{}, false
		}
		last = p
	}
	if d == last {
		return w, true
	}
	return r.release(w.Add(d - last))
}

// release is when the command can act on something that falls due at t: t,
// or the end of a pause holding it then (ok false while that pause lasts).
func (r *Run) release(t time.Time) (time.Time, bool) {
	for _, p := range r.Pauses {
		if !p.From.Before(t) {
			break
		}
		if p.To.IsZero() {
			return time.Time{}, false
		}
		if t.Before(p.To) {
			return p.To, true
		}
	}
	return t, true
}

// ActiveWall returns the wall time at which the run has been active (not
// paused) for d: Start + d, shifted by the length of every pause begun before
// that point; the inverse of Active, the frame of health probes and CPU time,
// which stand still while paused. ok is false when a pause still in progress
// holds the run before d; a pause beginning exactly at the point does not
// shift it.
func (r *Run) ActiveWall(d time.Duration) (t time.Time, ok bool) {
	t = r.Start.Add(d)
	for _, p := range r.Pauses {
		if !p.From.Before(t) {
			break
		}
		if p.To.IsZero() {
			return time.Time{}, false
		}
		t = t.Add(p.To.Sub(p.From))
	}
	return t, true
}

// Active returns how long the run's command has run by wall time t: the time
// since Start minus the paused time up to t (never negative).
func (r *Run) Active(t time.Time) time.Duration {
	if t.Before(r.Start) {
		return 0
	}
	d := t.Sub(r.Start)
	for _, p := range r.Pauses {
		if !p.From.Before(t) {
			break
		}
		to := p.To
		if to.IsZero() || to.After(t) {
			to = t
		}
		d -= to.Sub(p.From)
	}
	return max(d, 0)
}

// Paused reports whether the run is paused (its last pause has no end).
func (r *Run) Paused() bool {
	n := len(r.Pauses)
	return n > 0 && r.Pauses[n-1].To.IsZero()
}

// Pause returns r paused at t (unchanged when already paused). The Pauses
// slice is copied, never changed in place: Runs are shared by value.
func (r Run) Pause(t time.Time) Run {
	if r.Paused() {
		return r
	}
	r.Pauses = append(slices.Clip(r.Pauses), PauseSpan{From: t})
	return r
}

// Resume returns r resumed at t (unchanged when not paused).
func (r Run) Resume(t time.Time) Run {
	if !r.Paused() {
		return r
	}
	r.Pauses = slices.Clone(r.Pauses)
	r.Pauses[len(r.Pauses)-1].To = t
	return r
}
