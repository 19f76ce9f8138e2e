package reconciler

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// debouncer is a trailing debounce with a cap on the injected clock: it fires
// quiet after the last event, but never later than max after the first event
// of a burst. Not safe for concurrent use: one goroutine owns it.
type debouncer struct {
	clock      clockwork.Clock
	quiet, max time.Duration
	timer      clockwork.Timer
	first      time.Time
}

// event records an event and (re)arms the timer.
func (d *debouncer) event() {
	now := d.clock.Now()
	wait := d.quiet
	if d.timer == nil {
		d.first = now
	} else {
		d.timer.Stop()
		if left := d.first.Add(d.max).Sub(now); left < wait {
			wait = max(left, 0)
		}
	}
	d.timer = d.clock.NewTimer(wait)
}

// C fires when the burst is over; nil (blocks forever in a select) when idle.
func (d *debouncer) C() <-chan time.Time {
	if d.timer == nil {
		return nil
	}
	return d.timer.Chan()
}

// fired resets the debouncer after C fired.
func (d *debouncer) fired() { d.timer = nil }

func (d *debouncer) stop() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}
