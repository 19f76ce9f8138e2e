package process

import (
	"fmt"
	"time"
)

// Docker's health check defaults.
const (
	DefaultInterval      = 30 * time.Second
	DefaultTimeout       = 30 * time.Second
	DefaultStartInterval = 5 * time.Second
	DefaultRetries       = 3
)

func (h *Healthcheck) withDefaults() Healthcheck {
	c := *h
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.StartInterval <= 0 {
		c.StartInterval = DefaultStartInterval
	}
	if c.StartPeriod < 0 {
		c.StartPeriod = 0
	}
	if c.Retries <= 0 {
		c.Retries = DefaultRetries
	}
	return c
}

// hstate is the health monitor of the current (or last) run.
type hstate struct {
	hc      Healthcheck
	status  string
	streak  int
	log     [MaxHealthLog]HealthResult // ring buffer
	logN    int                        // results ever recorded
	started time.Time
	next    time.Time // next probe start; zero when not monitoring
	readyAt time.Time // the run's server ready time (zero: never)
}

// begin starts monitoring a run started at t (the log is kept across runs, as
// dockerd does).
func (h *hstate) begin(t time.Time) {
	h.status, h.streak, h.started = Starting, 0, t
	h.next = t.Add(h.interval(t))
}

// halt stops monitoring: dockerd reports a stopped container as unhealthy.
func (h *hstate) halt() {
	h.next = time.Time{}
	h.status = Unhealthy
}

// interval is dockerd's getInterval: start_interval while starting within the
// start period, else interval.
func (h *hstate) interval(t time.Time) time.Duration {
	if t.Sub(h.started) >= h.hc.StartPeriod || h.status != Starting {
		return h.hc.Interval
	}
	return h.hc.StartInterval
}

// outcome is the result of a probe started at t.
func (h *hstate) outcome(t time.Time) (code int, out string, d time.Duration) {
	p := h.hc.NotReady
	if r := h.readyAt; !r.IsZero() && !t.Before(r) {
		p = h.hc.Ready
	}
	if p.Forever || p.Duration > h.hc.Timeout {
		return -1, fmt.Sprintf("Health check exceeded timeout (%v)", h.hc.Timeout), h.hc.Timeout
	}
	return p.ExitCode, p.Output, p.Duration
}

func (h *hstate) record(r HealthResult) {
	h.log[h.logN%MaxHealthLog] = r
	h.logN++
}

// steady reports whether probes from t on all give the same outcome and leave
// the status unchanged, so they can be counted rather than run.
func (h *hstate) steady(t time.Time, code int) bool {
	if t.Sub(h.started) < h.hc.StartPeriod {
		return false
	}
	if r := h.readyAt; !r.IsZero() && t.Before(r) {
		return false
	}
	if code == 0 {
		return h.status == Healthy && h.streak == 0
	}
	return h.status == Unhealthy
}

// probe runs the probe due at h.next and, in steady state, every further one
// starting no later than limit.
func (s *sim) probe(limit time.Time) {
	h := s.h
	h.readyAt = s.st.ReadyAt
	t := h.next
	code, out, d := h.outcome(t)
	if !noFastForward && h.steady(t, code) {
		period := d + h.hc.Interval
		k := int(limit.Sub(t)/period) + 1 // probes at t, t+period, ... <= limit
		first := max(k-MaxHealthLog, 0)
		for j := first; j < k; j++ {
			ps := t.Add(time.Duration(j) * period)
			h.record(HealthResult{Start: ps, End: ps.Add(d), ExitCode: code, Output: out})
		}
		if code != 0 {
			h.streak += k
		}
		h.next = t.Add(time.Duration(k) * period)
		return
	}
	end := t.Add(d)
	h.record(HealthResult{Start: t, End: end, ExitCode: code, Output: out})
	prev := h.status
	if code == 0 {
		h.streak = 0
		h.status = Healthy
	} else if h.status != Starting || t.Sub(h.started) >= h.hc.StartPeriod {
		h.streak++
		if h.streak >= h.hc.Retries {
			h.status = Unhealthy
		}
	}
	if h.status != prev {
		s.emit(Transition{At: end, Kind: THealthStatus, Health: h.status})
	}
	h.next = end.Add(h.interval(end))
}

func (h *hstate) export() *Health {
	n := min(h.logN, MaxHealthLog)
	// One allocation for the Health and its Log.
	buf := &struct {
		h   Health
		log [MaxHealthLog]HealthResult
	}{h: Health{Status: h.status, FailingStreak: h.streak}}
	for i := range n {
		buf.log[i] = h.log[(h.logN-n+i)%MaxHealthLog]
	}
	buf.h.Log = buf.log[:n:n]
	return &buf.h
}

// noFastForward disables counting steady probes (tests compare both ways).
var noFastForward = false
