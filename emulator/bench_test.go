package emulator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// BenchmarkCreateStart1000 creates and starts 1000 containers on a durable file
// store (WAL, one transaction per call). Target: <= 1 s per op.
func BenchmarkCreateStart1000(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e, _ := newFileEngine(b)
		pull(b, e, "busybox")
		b.StartTimer()
		for j := 0; j < 1000; j++ {
			res, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{
				Name: fmt.Sprintf("c%d", j), Image: "busybox",
				Config: &container.Config{Cmd: []string{"sleep", "3600"}, Labels: map[string]string{"app": "bench"}}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		e.Close()
	}
}

// BenchmarkListLabelFilter10k lists with a label filter over 10,000 containers in a
// durable store (100 match). Target: <= 10 ms per op.
func BenchmarkListLabelFilter10k(b *testing.B) {
	ctx := context.Background()
	e, _ := newFileEngine(b)
	pull(b, e, "busybox")
	for j := 0; j < 10000; j++ {
		_, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name: fmt.Sprintf("c%d", j), Image: "busybox",
			Config: &container.Config{Labels: map[string]string{"svc": fmt.Sprintf("s%d", j%100)}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	f := client.Filters{}.Add("label", "svc=s7")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := e.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil || len(res.Items) != 100 {
			b.Fatal(err, len(res.Items))
		}
	}
}

var _ emulator.API = (*emulator.Engine)(nil)

// BenchmarkObserve1000Healthy observes 1000 running postgres containers with a
// health check as the reconciler does: one list, then an inspect of each, once
// they are all healthy (steady state; a fake clock keeps them there).
// Target: <= 50 ms per op.
func BenchmarkObserve1000Healthy(b *testing.B) {
	ctx := context.Background()
	clk := clockwork.NewFakeClockAt(epoch)
	e, _ := newFileEngine(b, emulator.WithClock(clk))
	pull(b, e, "postgres")
	for j := 0; j < 1000; j++ {
		run(b, e, client.ContainerCreateOptions{Name: fmt.Sprintf("db%d", j), Image: "postgres",
			Config: &container.Config{Env: []string{"POSTGRES_PASSWORD=x"},
				Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "pg_isready"}, Interval: time.Second}}})
	}
	clk.Advance(time.Minute)
	if h := inspect(b, e, "db999").State.Health.Status; h != container.Healthy {
		b.Fatalf("db999 is %s, want healthy", h)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := e.ContainerList(ctx, client.ContainerListOptions{})
		if err != nil || len(res.Items) != 1000 {
			b.Fatal(err, len(res.Items))
		}
		for _, it := range res.Items {
			if _, err := e.ContainerInspect(ctx, it.ID, client.ContainerInspectOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
