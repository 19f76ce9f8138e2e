package emulator_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// history replays the stored events from the epoch to now and returns them.
func history(t testing.TB, api emulator.API, now time.Time, f client.Filters) []events.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := api.Events(ctx, client.EventsListOptions{Since: "0", Until: strconv.FormatInt(now.Unix(), 10), Filters: f})
	var out []events.Message
	for {
		select {
		case m := <-res.Messages:
			out = append(out, m)
		case err := <-res.Err:
			if !errors.Is(err, io.EOF) {
				t.Fatalf("events ended with %v", err)
			}
			return out
		}
	}
}

func actions(ms []events.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Type)+" "+string(m.Action))
	}
	return out
}

func TestEventSequences(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "ev", Image: "busybox",
		Config:     &container.Config{Cmd: []string{"sleep", "60"}, Labels: map[string]string{"team": "x"}},
		HostConfig: &container.HostConfig{Binds: []string{"evvol:/d"}}})
	stopped(t, e, clk, id)
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, id, client.ContainerRemoveOptions{}))
	got := history(t, e, clk.Now(), nil)
	want := []string{
		"image pull",
		"volume create", "container create",
		"network connect", "volume mount", "container start",
		"container kill", "container kill", "container die", "network disconnect", "volume unmount", "container stop",
		"container destroy",
	}
	if !equal(actions(got), want) {
		t.Fatalf("events\n got %v\nwant %v", actions(got), want)
	}
	create := got[2]
	if create.Actor.ID != id || create.Actor.Attributes["name"] != "ev" || create.Actor.Attributes["image"] != "busybox" ||
		create.Actor.Attributes["team"] != "x" || create.Scope != "local" || create.TimeNano != epoch.UnixNano() || create.Time != epoch.Unix() {
		t.Errorf("create event %+v", create)
	}
	if got[6].Actor.Attributes["signal"] != "15" || got[7].Actor.Attributes["signal"] != "9" || got[8].Actor.Attributes["exitCode"] != "137" {
		t.Errorf("stop events %+v %+v %+v", got[6].Actor, got[7].Actor, got[8].Actor)
	}
	if got[3].Actor.Attributes["container"] != id || got[3].Actor.Attributes["type"] != "bridge" || got[3].Actor.Attributes["name"] != "bridge" {
		t.Errorf("connect event %+v", got[3].Actor)
	}
	filtered := history(t, e, clk.Now(), client.Filters{}.Add("type", "container").Add("event", "die", "destroy"))
	if !equal(actions(filtered), []string{"container die", "container destroy"}) {
		t.Errorf("filtered %v", actions(filtered))
	}
	byLabel := history(t, e, clk.Now(), client.Filters{}.Add("label", "team=x"))
	if len(byLabel) != 7 {
		t.Errorf("label filter: %v", actions(byLabel))
	}
	byName := history(t, e, clk.Now(), client.Filters{}.Add("container", "ev"))
	if len(byName) != 7 {
		t.Errorf("container filter: %v", actions(byName))
	}
}

func TestEventsSinceUntil(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "v1"}))
	clk.Advance(10 * time.Second)
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "v2"}))
	clk.Advance(10 * time.Second)
	res := e.Events(ctx, client.EventsListOptions{Since: strconv.FormatInt(epoch.Unix()+5, 10), Until: strconv.FormatInt(epoch.Unix()+15, 10)})
	var ids []string
	for done := false; !done; {
		select {
		case m := <-res.Messages:
			ids = append(ids, m.Actor.ID)
		case err := <-res.Err:
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			done = true
		}
	}
	if !equal(ids, []string{"v2"}) {
		t.Errorf("since/until window: %v", ids)
	}
}

func TestEventsLive(t *testing.T) {
	e, _ := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "before"}))
	res := e.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("type", "volume")})
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "after"}))
	must[client.VolumeRemoveResult](t)(e.VolumeRemove(ctx, "after", client.VolumeRemoveOptions{}))
	var got []string
	for len(got) < 2 {
		select {
		case m := <-res.Messages:
			got = append(got, m.Actor.ID+" "+string(m.Action))
		case err := <-res.Err:
			t.Fatal(err)
		case <-time.After(10 * time.Second):
			t.Fatalf("no live event; got %v", got)
		}
	}
	if !equal(got, []string{"after create", "after destroy"}) {
		t.Errorf("live events %v (no history without since)", got)
	}
	cancel()
	if err := <-res.Err; !errors.Is(err, context.Canceled) {
		t.Errorf("stream ended with %v", err)
	}
}

func TestContainerWait(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "60"}}})).ID
	// not-running on a created container answers at once
	w := e.ContainerWait(ctx, id, client.ContainerWaitOptions{})
	if r := <-w.Result; r.StatusCode != 0 {
		t.Errorf("created wait %+v", r)
	}
	next := e.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	removed := e.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	must[client.ContainerStartResult](t)(e.ContainerStart(ctx, id, client.ContainerStartOptions{}))
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	select {
	case r := <-next.Result:
		if r.StatusCode != 137 {
			t.Errorf("next-exit %+v", r)
		}
	case err := <-next.Error:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("next-exit wait did not return")
	}
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, id, client.ContainerRemoveOptions{}))
	select {
	case r := <-removed.Result:
		if r.StatusCode != 137 {
			t.Errorf("removed %+v", r)
		}
	case err := <-removed.Error:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("removed wait did not return")
	}
}
