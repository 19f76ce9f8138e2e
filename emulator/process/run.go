package process

import (
	"slices"
	"time"
)

// WallTime returns the wall time at which the run's command reaches offset d
// of its own time: Start + d, shifted by the length of every pause begun
// before that point. ok is false when the command has not got there because
// a pause still in progress froze it first. A pause beginning exactly at the
// point does not shift it (what is due at a time happens before an action
// taken at that time).
func (r *Run) WallTime(d time.Duration) (t time.Time, ok bool) {
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
