package process

import (
	"slices"
	"time"
)

// Docker's restart manager constants.
const (
	backoffStart = 100 * time.Millisecond
	backoffMax   = time.Minute
	backoffReset = 10 * time.Second
)

// sim is the running evaluation.
type sim struct {
	spec *Spec
	st   Status

	end       time.Time // when the current run exits by itself (zero: never)
	endCode   int
	killAt    time.Time // stop timeout deadline (zero: none)
	stopping  bool      // the current run is being stopped (die is followed by stop)
	restartOn bool      // a Restart action waits for the exit to start again
	pausedAt  time.Time
	restartAt time.Time // when an automatic restart happens (state restarting)
	backoff   time.Duration
	h         *hstate
}

// Evaluate returns the state at now of a container with spec after the actions
// of history (in recorded order; actions after now are ignored). It is pure:
// the same arguments always give the same Status.
func Evaluate(spec *Spec, history []Action, now time.Time) Status {
	var hs hstate
	s := &sim{spec: spec, st: Status{State: StateCreated}}
	if spec.Health != nil {
		hs.hc = spec.Health.withDefaults()
		s.h = &hs
	}
	// Typical lives fit without growing: start, a few health flips, a stop.
	s.st.Transitions = make([]Transition, 0, 4+len(history))
	for _, a := range history {
		if a.At.After(now) {
			break
		}
		s.advance(a.At)
		s.apply(a)
	}
	s.advance(now)
	if s.h != nil && s.h.status != "" {
		s.st.Health = s.h.export()
	}
	s.st.Next = s.next()
	return s.st
}

// next is the time of the next internal event after the evaluation time, zero
// when nothing will happen without an action.
func (s *sim) next() time.Time {
	var n time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (n.IsZero() || t.Before(n)) {
			n = t
		}
	}
	switch s.st.State {
	case StateRunning:
		consider(s.end)
		consider(s.killAt)
		if s.h != nil {
			consider(s.h.next)
		}
	case StateRestarting:
		consider(s.restartAt)
	}
	return n
}

func (s *sim) emit(t Transition) { s.st.Transitions = append(s.st.Transitions, t) }

func (s *sim) running() bool { return s.st.State == StateRunning }

// advance processes the internal events (exits, kill deadlines, restarts,
// probes) up to and including to.
func (s *sim) advance(to time.Time) {
	for {
		var other time.Time
		kind := 0
		if s.running() && !s.end.IsZero() {
			other, kind = s.end, 1
		}
		if s.running() && !s.killAt.IsZero() && (kind == 0 || s.killAt.Before(other)) {
			other, kind = s.killAt, 2
		}
		if s.st.State == StateRestarting {
			other, kind = s.restartAt, 3
		}
		if s.running() && s.h != nil && !s.h.next.IsZero() && !s.h.next.After(to) && (kind == 0 || s.h.next.Before(other)) {
			limit := to
			if kind != 0 {
				limit = other.Add(-1)
				if to.Before(limit) {
					limit = to
				}
			}
			s.probe(limit)
			continue
		}
		if kind == 0 || other.After(to) {
			return
		}
		switch kind {
		case 1:
			s.die(s.end, s.endCode)
		case 2:
			s.emit(Transition{At: s.killAt, Kind: TKill, Signal: 9})
			s.die(s.killAt, 137)
		case 3:
			s.st.RestartCount++
			s.startRun(s.restartAt)
		}
	}
}

func (s *sim) startRun(t time.Time) {
	s.st.State, s.st.Running, s.st.Paused, s.st.Restarting = StateRunning, true, false, false
	s.st.StartedAt = t
	s.st.ExitCode = 0
	s.st.Runs = append(s.st.Runs, Run{Start: t})
	s.end, s.killAt, s.stopping = time.Time{}, time.Time{}, false
	cmd := &s.spec.Command
	if !cmd.RunsForever {
		s.end, s.endCode = t.Add(cmd.Duration), cmd.ExitCode
	}
	s.st.ReadyAt = time.Time{}
	if cmd.Server != nil {
		s.st.ReadyAt = t.Add(cmd.Server.ReadyAfter)
	}
	if s.h != nil {
		s.h.begin(t)
	}
	s.emit(Transition{At: t, Kind: TStart})
}

func (s *sim) die(t time.Time, code int) {
	runFor := t.Sub(s.st.StartedAt)
	s.st.State, s.st.Running, s.st.Paused, s.st.Restarting = StateExited, false, false, false
	s.st.ExitCode, s.st.FinishedAt = code, t
	if n := len(s.st.Runs); n > 0 {
		s.st.Runs[n-1].End, s.st.Runs[n-1].ExitCode = t, code
	}
	s.end, s.killAt = time.Time{}, time.Time{}
	if s.h != nil {
		s.h.halt()
	}
	s.emit(Transition{At: t, Kind: TDie, ExitCode: code})
	if s.stopping {
		s.stopping = false
		s.emit(Transition{At: t, Kind: TStop})
	}
	if s.restartOn {
		s.restartOn = false
		s.st.ManuallyStopped = false
		s.backoff = 0
		s.startRun(t)
		s.emit(Transition{At: t, Kind: TRestart})
		return
	}
	if s.shouldRestart(code, runFor) {
		s.st.State, s.st.Restarting = StateRestarting, true
		s.restartAt = t.Add(s.backoff)
	}
}

// shouldRestart is dockerd's restart manager: the backoff doubles from 100 ms
// (capped at 1 min) and resets after a run of 10 s or more.
func (s *sim) shouldRestart(code int, runFor time.Duration) bool {
	p := s.spec.Restart
	if p.Name == "" || p.Name == RestartNo {
		return false
	}
	if runFor >= backoffReset {
		s.backoff = 0
	}
	switch {
	case s.backoff == 0:
		s.backoff = backoffStart
	case s.backoff < backoffMax:
		s.backoff *= 2
	}
	s.backoff = min(s.backoff, backoffMax)
	if s.st.ManuallyStopped {
		return false
	}
	switch p.Name {
	case RestartAlways, RestartUnlessStopped:
		return true
	case RestartOnFailure:
		return code != 0 && (p.MaxRetries <= 0 || s.st.RestartCount < p.MaxRetries)
	}
	return false
}

// signal delivers sig at t to the running (or paused) process.
func (s *sim) signal(t time.Time, sig int) {
	if s.st.State == StatePaused {
		s.resume(t)
	}
	s.emit(Transition{At: t, Kind: TKill, Signal: sig})
	exits, code, after := s.spec.Response(sig)
	if !exits {
		return
	}
	at := t.Add(after)
	if s.end.IsZero() || at.Before(s.end) {
		s.end, s.endCode = at, code
	}
	if after == 0 {
		s.die(t, code)
	}
}

// resume ends a pause at t. The command's timers ran on while it was paused
// (as under dockerd's freezer): an exit or readiness that fell due during the
// pause happens now. Health probes, which do not run while paused, shift by
// the pause's length.
func (s *sim) resume(t time.Time) {
	if !s.end.IsZero() && s.end.Before(t) {
		s.end = t
	}
	if !s.st.ReadyAt.IsZero() && s.st.ReadyAt.After(s.pausedAt) && s.st.ReadyAt.Before(t) {
		s.st.ReadyAt = t
	}
	if s.h != nil && !s.h.next.IsZero() {
		s.h.next = s.h.next.Add(t.Sub(s.pausedAt))
	}
	s.st.State, s.st.Paused = StateRunning, false
}

func (s *sim) apply(a Action) {
	t := a.At
	live := s.st.State == StateRunning || s.st.State == StatePaused
	switch a.Kind {
	case Start:
		if !live {
			s.st.ManuallyStopped = false
			s.backoff = 0
			s.startRun(t)
		}
	case Stop, Restart:
		switch {
		case live:
			s.st.ManuallyStopped = true
			s.stopping = true
			s.restartOn = a.Kind == Restart
			if a.Timeout >= 0 {
				s.killAt = t.Add(a.Timeout)
			}
			s.signal(t, s.spec.stopSignal())
			if s.running() && !s.killAt.IsZero() && !s.killAt.After(t) {
				s.emit(Transition{At: t, Kind: TKill, Signal: 9})
				s.die(t, 137)
			}
		case a.Kind == Restart:
			s.st.ManuallyStopped = false
			s.backoff = 0
			s.startRun(t)
			s.emit(Transition{At: t, Kind: TRestart})
		case s.st.State == StateRestarting:
			s.st.ManuallyStopped = true
			s.st.State, s.st.Restarting = StateExited, false
			s.emit(Transition{At: t, Kind: TStop})
		}
	case Kill:
		if live {
			sig := 9
			if a.Signal != "" {
				if n, err := ParseSignal(a.Signal); err == nil {
					sig = n
				}
			}
			s.st.ManuallyStopped = true
			s.signal(t, sig)
		}
	case Pause:
		if s.st.State == StateRunning {
			s.st.State, s.st.Paused = StatePaused, true
			s.pausedAt = t
			s.emit(Transition{At: t, Kind: TPause})
		}
	case Unpause:
		if s.st.State == StatePaused {
			s.resume(t)
			s.emit(Transition{At: t, Kind: TUnpause})
		}
	case Crash:
		if live {
			s.die(t, a.ExitCode&255)
		}
	case DaemonRestart:
		s.daemonRestart(t)
	}
}

// daemonRestart: running containers are stopped by the shutdown (exit 0 when
// they handle the stop signal, else killed: 137); then `always` containers, and
// `unless-stopped` ones not stopped by hand, start again (RestartCount unchanged).
func (s *sim) daemonRestart(t time.Time) {
	p := s.spec.Restart.Name
	switch s.st.State {
	case StateRunning, StatePaused:
		exits, code, _ := s.spec.Response(s.spec.stopSignal())
		if !exits {
			code = 137
		}
		manual := s.st.ManuallyStopped
		s.st.ManuallyStopped = true // no restart-manager restart during shutdown
		s.die(t, code)
		s.st.ManuallyStopped = manual
	case StateRestarting:
		s.st.State, s.st.Restarting = StateExited, false
	case StateCreated:
		return
	}
	if p == RestartAlways || p == RestartUnlessStopped && !s.st.ManuallyStopped {
		s.st.ManuallyStopped = false
		s.backoff = 0
		s.startRun(t)
	}
}

// Since returns the transitions after the first n (those not yet emitted).
func (st *Status) Since(n int) []Transition {
	if n >= len(st.Transitions) {
		return nil
	}
	return slices.Clip(st.Transitions[n:])
}
