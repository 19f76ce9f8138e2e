package emulator

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// emit records an event of this call, stamped with the call's time. Events are
// written in the call's transaction, so they exist exactly when its changes do.
func (t *txn) emit(typ events.Type, action events.Action, id string, attrs map[string]string) {
	t.events = append(t.events, events.Message{
		Type:     typ,
		Action:   action,
		Actor:    events.Actor{ID: id, Attributes: attrs},
		Scope:    "local",
		Time:     t.now.Unix(),
		TimeNano: t.now.UnixNano(),
	})
}

// containerEvent emits a container event with dockerd's attributes: the container's
// labels, name (no slash) and image, plus extra.
func (t *txn) containerEvent(action events.Action, c *ctrRec, extra map[string]string) {
	attrs := make(map[string]string, len(c.Config.Labels)+2+len(extra))
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	attrs["name"] = c.Name
	attrs["image"] = c.Config.Image
	for k, v := range extra {
		attrs[k] = v
	}
	t.emit(events.ContainerEventType, action, c.ID, attrs)
}

func (t *txn) networkEvent(action events.Action, n *netRec, containerID string) {
	attrs := map[string]string{"name": n.Name, "type": n.Driver}
	if containerID != "" {
		attrs["container"] = containerID
	}
	t.emit(events.NetworkEventType, action, n.ID, attrs)
}

func (t *txn) volumeEvent(action events.Action, v *volRec, extra map[string]string) {
	attrs := map[string]string{"driver": v.Driver}
	for k, val := range extra {
		attrs[k] = val
	}
	t.emit(events.VolumeEventType, action, v.Name, attrs)
}

// storedEvent is an event with its store sequence.
type storedEvent struct {
	seq int64
	msg events.Message
}

// eventsAfter reads the stored events after seq, oldest first.
func (e *Engine) eventsAfter(ctx context.Context, seq int64) ([]storedEvent, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, ErrClosed
	}
	rows, err := e.st.eventsAfter(ctx, seq)
	if err != nil {
		return nil, err
	}
	out := make([]storedEvent, 0, len(rows))
	for _, r := range rows {
		var m events.Message
		if err := json.Unmarshal(r.doc, &m); err != nil {
			return nil, err
		}
		out = append(out, storedEvent{seq: r.seq, msg: m})
	}
	return out, nil
}

func (e *Engine) lastEventSeq(ctx context.Context) (int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return 0, ErrClosed
	}
	return e.st.lastEventSeq(ctx)
}

// watch calls fn with each batch of new events after seq until fn returns false, ctx
// ends or the engine closes. It wakes on this process's commits, on every poll
// interval (for other processes' commits), and at deadline on the engine clock when
// deadline is not zero (fn is then called with no events).
func (e *Engine) watch(ctx context.Context, seq int64, deadline time.Time, fn func([]storedEvent) (bool, error)) error {
	var timer <-chan time.Time
	if !deadline.IsZero() {
		timer = e.clock.After(deadline.Sub(e.now()))
	}
	poll := e.pollEvery
	if e.fileChanges() != nil {
		poll *= slowPollFactor
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	// A file event can arrive while another process is still committing (its WAL
	// frames are written before the commit becomes visible), so every file wake is
	// followed by one more look recheckAfter later.
	var recheck <-chan time.Time
	for {
		changed := e.changed()
		written := e.fileChanges()
		// Observing brings simulated processes up to now (exits, health flips), and
		// tells when the next such change is due, to wake then.
		var due time.Time
		if err := e.view(ctx, func(s *state) error { due = s.nextDue(); return nil }); err != nil {
			return err
		}
		var dueC <-chan time.Time
		if !due.IsZero() {
			dueC = e.clock.After(due.Sub(e.now()))
		}
		evs, err := e.eventsAfter(ctx, seq)
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			seq = evs[len(evs)-1].seq
		}
		more, err := fn(evs)
		if err != nil || !more {
			return err
		}
		fileWake, err := e.waitWake(ctx, wakeups{changed, written, ticker.C, dueC, recheck}, &timer)
		if err != nil {
			return err
		}
		recheck = nil
		if fileWake {
			recheck = time.After(recheckAfter)
		}
	}
}

// wakeups are the channels a waiting stream listens on besides ctx, Close and its
// deadline timer.
type wakeups struct {
	changed, written <-chan struct{}
	tick, due        <-chan time.Time
	recheck          <-chan time.Time
}

// waitWake blocks until something may have changed: a local commit, a write to the
// store's files seen by the storeWaker (fileWake, after which the caller looks once
// more), the recheck after such a wake, the deadline timer, a due simulated
// transition, or a poll tick (for other processes' writes when there is no waker).
func (e *Engine) waitWake(ctx context.Context, w wakeups, timer *<-chan time.Time) (fileWake bool, err error) {
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-e.done:
		return false, ErrClosed
	case <-w.written:
		return true, nil
	case <-w.changed:
	case <-w.recheck:
	case <-w.tick:
	case <-w.due:
	case <-*timer:
		*timer = nil
	}
	return false, nil
}

// Events streams the engine's events as dockerd does: with Since, the stored history
// from that time first; then live events (from this and other processes) until
// Until passes on the engine clock or ctx ends. A stream that reaches Until ends with
// io.EOF on Err, as moby's client reports the end of the HTTP stream.
func (e *Engine) Events(ctx context.Context, options client.EventsListOptions) client.EventsResult {
	msgs := make(chan events.Message)
	errs := make(chan error, 1)
	res := client.EventsResult{Messages: msgs, Err: errs}
	f, _ := newFilter(options.Filters, nil)
	now := e.now()
	var since, until time.Time
	var err error
	if options.Since != "" {
		if since, err = parseTimestamp(options.Since, now); err != nil {
			errs <- err
			return res
		}
	}
	if options.Until != "" {
		if until, err = parseTimestamp(options.Until, now); err != nil {
			errs <- err
			return res
		}
	}
	start, err := e.lastEventSeq(ctx)
	if err != nil {
		errs <- err
		return res
	}
	if options.Since != "" {
		start = 0
	}
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		err := e.watch(ctx, start, until, func(evs []storedEvent) (bool, error) {
			for _, ev := range evs {
				t := time.Unix(0, ev.msg.TimeNano)
				if !since.IsZero() && t.Before(since) {
					continue
				}
				if !until.IsZero() && t.After(until) {
					return false, io.EOF
				}
				if !f.eventMatch(ev.msg) {
					continue
				}
				select {
				case msgs <- ev.msg:
				case <-ctx.Done():
					return false, ctx.Err()
				case <-e.done:
					return false, ErrClosed
				}
			}
			if !until.IsZero() && !e.now().Before(until) {
				return false, io.EOF
			}
			return true, nil
		})
		errs <- err
	}()
	return res
}

// eventMatch applies dockerd's event filters (unknown keys are ignored).
func (f filter) eventMatch(m events.Message) bool {
	a := m.Actor.Attributes
	if !f.exact("type", string(m.Type)) || !f.exact("scope", m.Scope) {
		return false
	}
	if f.has("event") && !f.exact("event", string(m.Action)) {
		return false
	}
	if f.has("label") && !f.kvMatch("label", a) {
		return false
	}
	idOrName := func(k string, t events.Type) bool {
		if !f.has(k) {
			return true
		}
		if m.Type != t {
			return false
		}
		return f.exact(k, m.Actor.ID) || f.exact(k, a["name"]) || (len(m.Actor.ID) >= 12 && f.exact(k, shortID(m.Actor.ID)))
	}
	if !idOrName("container", events.ContainerEventType) || !idOrName("network", events.NetworkEventType) ||
		!idOrName("volume", events.VolumeEventType) {
		return false
	}
	if f.has("image") {
		switch m.Type {
		case events.ContainerEventType:
			if !f.exact("image", a["image"]) {
				return false
			}
		case events.ImageEventType:
			if !f.exact("image", m.Actor.ID) && !f.exact("image", a["name"]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

var zeroTime time.Time
