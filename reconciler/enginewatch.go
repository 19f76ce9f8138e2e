package reconciler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/spec"
)

// watchEngine subscribes to the engine's events and triggers a pass on those
// that can mean drift: a project container dying, destroyed or changing health;
// a desired network or volume destroyed. The stream is resubscribed (with
// `since` the last event seen, after a capped backoff) when it fails; a
// resubscription triggers a pass, as events may have been missed.
func (l *Loop) watchEngine(ctx context.Context) {
	since := ""
	delay := l.cfg.BackoffBase
	for ctx.Err() == nil {
		filters := make(client.Filters).Add("type", string(events.ContainerEventType), string(events.NetworkEventType), string(events.VolumeEventType))
		res := l.cfg.Engine.Events(ctx, client.EventsListOptions{Since: since, Filters: filters})
		failed := false
		for !failed {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-res.Messages:
				if !ok {
					failed = true
					break
				}
				delay = l.cfg.BackoffBase
				if m.TimeNano != 0 {
					since = fmt.Sprintf("%d.%09d", m.TimeNano/int64(time.Second), m.TimeNano%int64(time.Second))
				}
				if l.relevant(m) {
					l.Trigger(TriggerEngine)
				}
			case <-res.Err:
				failed = true
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-l.cfg.Clock.After(delay):
		}
		delay = min(delay*2, l.cfg.BackoffMax)
		l.Trigger(TriggerEngine)
	}
}

// relevant reports whether an engine event can mean the project drifted.
func (l *Loop) relevant(m events.Message) bool {
	d := l.desired.Load()
	if d == nil {
		return false
	}
	switch m.Type {
	case events.ContainerEventType:
		if m.Actor.Attributes[spec.LabelProject] != d.Project {
			return false
		}
		switch m.Action {
		case events.ActionDie, events.ActionDestroy, events.ActionOOM:
			return true
		}
		return strings.HasPrefix(string(m.Action), string(events.ActionHealthStatus))
	case events.NetworkEventType:
		if m.Action != events.ActionDestroy && m.Action != events.ActionRemove {
			return false
		}
		name := m.Actor.Attributes["name"]
		for _, n := range d.Networks {
			if n.Name == name {
				return true
			}
		}
	case events.VolumeEventType:
		if m.Action != events.ActionDestroy {
			return false
		}
		for _, v := range d.Volumes {
			if v.Name == m.Actor.ID || v.Name == m.Actor.Attributes["name"] {
				return true
			}
		}
	}
	return false
}
