package emulator_test

import (
	"context"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// Fault rules apply to ContainerWait: a failure comes on the Error channel
// (Times used up, the next wait works), latency delays the result on the
// engine clock.
func TestFaultContainerWait(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "job", Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", "exit 3"}}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpContainerWait, Match: emulator.FaultMatch{Name: "job"},
		Error: emulator.FaultError{Class: emulator.ClassUnavailable, Message: "daemon busy"}, Times: 1})
	w := e.ContainerWait(ctx, id, client.ContainerWaitOptions{})
	select {
	case err := <-w.Error:
		if !cerrdefs.IsUnavailable(err) || err.Error() != "daemon busy" {
			t.Fatalf("wait error %v, want the injected 503", err)
		}
	case r := <-w.Result:
		t.Fatalf("wait result %+v despite the rule", r)
	}
	if r := <-e.ContainerWait(ctx, id, client.ContainerWaitOptions{}).Result; r.StatusCode != 3 {
		t.Fatalf("second wait %+v, want 3 (the rule was used up)", r)
	}

	addFault(t, e, emulator.Fault{Kind: emulator.FaultLatency, Op: emulator.OpContainerWait, Latency: 5 * time.Second})
	w = e.ContainerWait(ctx, id, client.ContainerWaitOptions{})
	clk.BlockUntilContext(ctx, 1)
	select {
	case r := <-w.Result:
		t.Fatalf("result %+v before the latency passed", r)
	default:
	}
	clk.Advance(5 * time.Second)
	if r := <-w.Result; r.StatusCode != 3 {
		t.Fatalf("delayed wait %+v", r)
	}
}

// An unhealthy rule is enforced by the runtime's health evaluation: the
// status turns unhealthy at once with the rule's message in the log, every
// probe fails while the rule exists (each in the log, FailingStreak growing,
// no further event), and once it is removed the next probe passes again
// (health_status: healthy at that probe's time).
func TestFaultUnhealthyThroughRuntime(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "db", Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "3600"},
		Healthcheck: &container.HealthConfig{Test: []string{"CMD", "true"}, Interval: 2 * time.Second, Retries: 3}}})
	clk.Advance(3 * time.Second)
	if h := inspect(t, e, id).State.Health; h.Status != container.Healthy {
		t.Fatalf("before the rule: %s", h.Status)
	}
	f := addFault(t, e, emulator.Fault{Kind: emulator.FaultUnhealthy, Match: emulator.FaultMatch{Name: "db"},
		Error: emulator.FaultError{Message: "connection refused"}})
	h := inspect(t, e, id).State.Health
	last := h.Log[len(h.Log)-1]
	if h.Status != container.Unhealthy || h.FailingStreak < 3 || last.ExitCode != 1 || last.Output != "connection refused" ||
		!last.Start.Equal(epoch.Add(3*time.Second)) {
		t.Fatalf("at the rule: %s streak %d last %+v", h.Status, h.FailingStreak, last)
	}
	clk.Advance(20 * time.Second)
	// Probes at +4s ... +22s (every 2s) all fail with the rule's message.
	h = inspect(t, e, id).State.Health
	last = h.Log[len(h.Log)-1]
	if h.Status != container.Unhealthy || h.FailingStreak != 13 || len(h.Log) != 5 || last.Output != "connection refused" ||
		!last.Start.Equal(epoch.Add(22*time.Second)) {
		t.Fatalf("20s into the rule: %s streak %d, %d entries, last %+v; want unhealthy, streak 3+10, the probe at +22s",
			h.Status, h.FailingStreak, len(h.Log), last)
	}
	if err := e.RemoveFault(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	// Probes run at +2s, +4s, ...: the first after the removal (+23s) is +24s.
	clk.Advance(time.Second - time.Millisecond)
	if h := inspect(t, e, id).State.Health; h.Status != container.Unhealthy {
		t.Fatalf("healthy before a probe ran: %s", h.Status)
	}
	clk.Advance(time.Millisecond)
	if h := inspect(t, e, id).State.Health; h.Status != container.Healthy || h.FailingStreak != 0 {
		t.Fatalf("after the removal: %s streak %d", h.Status, h.FailingStreak)
	}
	var got []string
	for _, m := range history(t, e, clk.Now(), client.Filters{}.Add("container", id)) {
		if m.Action != "create" && m.Action != "start" {
			got = append(got, string(m.Action)+" @"+time.Unix(0, m.TimeNano).Sub(epoch).String())
		}
	}
	want := "health_status: healthy @2s|health_status: unhealthy @3s|health_status: healthy @24s"
	if s := join(got); s != want {
		t.Errorf("events %s, want %s", s, want)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "|"
		}
		out += x
	}
	return out
}
