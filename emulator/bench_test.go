package emulator_test

import (
	"context"
	"fmt"
	"testing"

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
