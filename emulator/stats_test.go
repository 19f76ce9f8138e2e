package emulator_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

func oneStats(t *testing.T, e *emulator.Engine, ref string, pre bool) container.StatsResponse {
	t.Helper()
	res, err := e.ContainerStats(context.Background(), ref, client.ContainerStatsOptions{IncludePreviousSample: pre})
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	defer res.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return s
}

// cpuPercent is the docker CLI's formula.
func cpuPercent(s container.StatsResponse) float64 {
	cpu := float64(s.CPUStats.CPUUsage.TotalUsage - s.PreCPUStats.CPUUsage.TotalUsage)
	sys := float64(s.CPUStats.SystemUsage - s.PreCPUStats.SystemUsage)
	return cpu / sys * float64(s.CPUStats.OnlineCPUs) * 100
}

func TestContainerStats(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "postgres")
	pg := func(name string, hc *container.HostConfig) string {
		return run(t, e, client.ContainerCreateOptions{Name: name, Image: "postgres",
			Config: &container.Config{Env: []string{"POSTGRES_PASSWORD=x"}}, HostConfig: hc})
	}
	free := pg("free", nil)
	capped := pg("capped", &container.HostConfig{Resources: container.Resources{Memory: 16 << 20, NanoCPUs: 5e6}})
	stopped := pg("stopped", nil)
	must[client.ContainerStopResult](t)(e.ContainerStop(ctx, stopped, client.ContainerStopOptions{}))
	clk.Advance(time.Minute)

	f := oneStats(t, e, free, true)
	if f.Read.IsZero() || f.PreRead != f.Read.Add(-time.Second) || f.Name != "/free" || f.Networks["eth0"].RxBytes == 0 {
		t.Errorf("running sample: read %v preread %v name %s networks %v", f.Read, f.PreRead, f.Name, f.Networks)
	}
	if p := cpuPercent(f); p <= 0 || p > 100 {
		t.Errorf("cpu %.3f%%, want a small positive figure", p)
	}
	c := oneStats(t, e, capped, true)
	if c.MemoryStats.Limit != 16<<20 || c.MemoryStats.Usage > c.MemoryStats.Limit {
		t.Errorf("memory usage %d limit %d, want under the 16 MiB limit", c.MemoryStats.Usage, c.MemoryStats.Limit)
	}
	if cp, fp := cpuPercent(c), cpuPercent(f); cp >= fp {
		t.Errorf("capped cpu %.3f%% not below uncapped %.3f%%", cp, fp)
	}
	if one := oneStats(t, e, free, false); !one.PreRead.IsZero() || one.PreCPUStats.CPUUsage.TotalUsage != 0 {
		t.Errorf("one-shot has a previous sample: %+v", one.PreCPUStats)
	}
	s := oneStats(t, e, stopped, true)
	if !s.Read.IsZero() || s.CPUStats.CPUUsage.TotalUsage != 0 || s.Networks != nil || s.MemoryStats.Usage != 0 {
		t.Errorf("stopped container: %+v, want dockerd's zeroed object", s)
	}
	if again := oneStats(t, e, free, true); !equalJSON(t, again, f) {
		t.Errorf("same clock, different figures")
	}
	if _, err := e.ContainerStats(ctx, "nope", client.ContainerStatsOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("unknown container: %v", err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// A stream yields one sample per second of the engine clock, each with the
// previous one as preread.
func TestContainerStatsStream(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "redis")
	id := run(t, e, client.ContainerCreateOptions{Image: "redis"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := e.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	var prev container.StatsResponse
	for i := 0; i < 3; i++ {
		if i > 0 {
			clk.BlockUntilContext(ctx, 1)
			clk.Advance(time.Second)
		}
		var s container.StatsResponse
		if err := dec.Decode(&s); err != nil {
			t.Fatal(err)
		}
		if i == 0 && !s.PreRead.IsZero() {
			t.Errorf("first sample has a preread")
		}
		if i > 0 && (s.PreRead != prev.Read || s.Read.Sub(prev.Read) != time.Second) {
			t.Errorf("sample %d: read %v preread %v, previous read %v", i, s.Read, s.PreRead, prev.Read)
		}
		prev = s
	}
}
