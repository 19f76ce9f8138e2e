package dockertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

func unixNano(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

func TestDiffEvents(t *testing.T) {
	runDiff(t, scenario{"events", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		since := time.Now()
		e.network(ctx, "net", e.labels())
		e.volume(ctx, "vol", e.labels())
		id := e.create(ctx, "job", &container.HostConfig{NetworkMode: container.NetworkMode(e.name("net")),
			Binds: []string{e.name("vol") + ":/v"}}, e.labels("role", "job"), "sh", "-c", "exit 3")
		e.start(ctx, "start job", id)
		e.wait(ctx, "wait job", id, container.WaitConditionNotRunning)
		_, err := api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{})
		e.rec.add("remove job", nil, err)
		_, err = api.NetworkRemove(ctx, e.name("net"), client.NetworkRemoveOptions{})
		e.rec.add("network remove", nil, err)
		_, err = api.VolumeRemove(ctx, e.name("vol"), client.VolumeRemoveOptions{})
		e.rec.add("volume remove", nil, err)

		until := time.Now()
		res := api.Events(ctx, client.EventsListOptions{Since: unixNano(since), Until: unixNano(until)})
		var seq []string
		for done := false; !done; {
			select {
			case m, ok := <-res.Messages:
				if !ok {
					done = true
					break
				}
				if line, mine := describe(m, e.id, id); mine {
					seq = append(seq, line)
				}
			case err := <-res.Err:
				if err != nil && !strings.Contains(err.Error(), "EOF") {
					e.rec.add("events error", nil, err)
				}
				done = true
			case <-ctx.Done():
				done = true
			}
		}
		e.rec.add("event sequence", seq, nil)
	}})
}

// describe renders one event of this test's objects ("type action key=value"),
// with the attributes two engines must agree on; other events are not mine.
func describe(m events.Message, prefix, ctrID string) (string, bool) {
	a := m.Actor.Attributes
	mine := strings.HasPrefix(a["name"], prefix) || strings.HasPrefix(m.Actor.ID, prefix) ||
		m.Actor.ID == ctrID || a["container"] == ctrID
	if !mine {
		return "", false
	}
	line := string(m.Type) + " " + string(m.Action)
	for _, k := range []string{"exitCode", "signal", "role", dockertest.LabelKey, "destination"} {
		if v, ok := a[k]; ok {
			if k == dockertest.LabelKey {
				v = "<test>"
			}
			line += " " + k + "=" + v
		}
	}
	if a["container"] == ctrID {
		line += " container=<job>"
	}
	return line, true
}
