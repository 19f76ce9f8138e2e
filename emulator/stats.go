package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Stats. Figures are a deterministic function of the container and the clock,
// in dockerd's JSON shape (cgroup v1 host): CPU time grows at a rate set by the
// program (a catalog server a little, an idle command almost nothing), capped
// by the CPU quota (NanoCPUs or CpuQuota/CpuPeriod) and frozen while paused;
// memory is the program's resident size, capped below the memory limit
// (HostConfig.Memory, else the host's statsHostMemory); each network endpoint
// is an interface eth0, eth1, ... with slowly growing counters. A container
// that is not running gets dockerd's zeroed object.

const (
	statsCPUs       = 2
	statsHostMemory = 8 << 30
)

// statsProfile is how a program uses resources: CPU share of one CPU (per
// mille) and resident memory in bytes.
func (c *ctrRec) statsProfile() (cpuPerMille uint64, mem uint64) {
	if c.Proc == nil || c.Proc.Command.Server == nil {
		return 1, 1 << 20
	}
	switch c.Proc.Command.Server.Name {
	case "postgres":
		return 15, 40 << 20
	case "mysqld", "mariadbd":
		return 25, 350 << 20
	case "mongod":
		return 30, 150 << 20
	case "redis-server":
		return 8, 8 << 20
	case "nginx", "httpd-foreground":
		return 3, 6 << 20
	}
	return 10, 30 << 20
}

// cpuAt is c's cumulative CPU time (ns) at t: it grows only while the
// process runs (not while paused, before or after).
func (c *ctrRec) cpuAt(t time.Time) uint64 {
	perMille, _ := c.statsProfile()
	hc := c.HostConfig
	if hc.NanoCPUs > 0 {
		perMille = min(perMille, uint64(hc.NanoCPUs)/1e6)
	} else if hc.CPUQuota > 0 {
		period := hc.CPUPeriod
		if period <= 0 {
			period = 100000
		}
		perMille = min(perMille, uint64(hc.CPUQuota*1000/period))
	}
	if r := c.lastRun(); c.State.Paused && r != nil && r.Paused() {
		t = r.Pauses[len(r.Pauses)-1].From // frozen since the pause, whatever t
	}
	d := c.activeAt(t) // paused time burns no CPU
	return uint64(d.Nanoseconds()) / 1000 * perMille
}

func cpuStats(total uint64, at time.Time) container.CPUStats {
	user := total / 10 * 8
	return container.CPUStats{
		CPUUsage: container.CPUUsage{TotalUsage: total, PercpuUsage: []uint64{total / 2, total - total/2},
			UsageInUsermode: user, UsageInKernelmode: total - user},
		SystemUsage: uint64(at.UnixNano()) * statsCPUs, OnlineCPUs: statsCPUs,
	}
}

// stats samples c at now with the previous sample taken at pre (zero: none,
// as dockerd's one-shot and first stream sample).
func (c *ctrRec) stats(now time.Time, pre time.Time) container.StatsResponse {
	out := container.StatsResponse{ID: c.ID, Name: "/" + c.Name, Read: now, PreRead: pre}
	if !c.State.Running {
		return container.StatsResponse{ID: c.ID, Name: "/" + c.Name} // dockerd: zeroed, no read time
	}
	at := now
	if c.State.Paused {
		at = c.State.StartedAt // a paused process accumulates nothing: show no activity
	}
	out.CPUStats = cpuStats(c.cpuAt(at), now)
	if !pre.IsZero() {
		preAt := pre
		if c.State.Paused {
			preAt = at
		}
		out.PreCPUStats = cpuStats(c.cpuAt(preAt), pre)
	}
	_, mem := c.statsProfile()
	limit := uint64(statsHostMemory)
	if c.HostConfig.Memory > 0 {
		limit = uint64(c.HostConfig.Memory)
	}
	h := fnv.New32a()
	h.Write([]byte(c.Name)) // not the id: ids are random, figures must not be
	mem += uint64(h.Sum32() % (1 << 16))
	mem = min(mem, limit/100*95)
	out.MemoryStats = container.MemoryStats{Usage: mem, MaxUsage: mem + mem/8, Limit: limit,
		Stats: map[string]uint64{"active_anon": mem / 2, "cache": mem / 8, "rss": mem / 2, "total_inactive_file": 0}}
	out.PidsStats = container.PidsStats{Current: 1}
	empty := []container.BlkioStatEntry{}
	out.BlkioStats = container.BlkioStats{IoServiceBytesRecursive: empty, IoServicedRecursive: empty, IoQueuedRecursive: empty,
		IoServiceTimeRecursive: empty, IoWaitTimeRecursive: empty, IoMergedRecursive: empty, IoTimeRecursive: empty, SectorsRecursive: empty}
	secs := uint64(at.Sub(c.State.StartedAt) / time.Second)
	names := make([]string, 0, len(c.Networks))
	for n := range c.Networks {
		names = append(names, n)
	}
	slices.Sort(names)
	if mode := c.netMode(); mode != "none" && mode != "host" && len(names) > 0 {
		out.Networks = map[string]container.NetworkStats{}
		for i := range names {
			out.Networks["eth"+strconv.Itoa(i)] = container.NetworkStats{RxBytes: 516 + 90*secs, RxPackets: 6 + secs, TxBytes: 42 * secs, TxPackets: secs / 2}
		}
	}
	return out
}

// ContainerStats returns the container's resource usage as dockerd's JSON:
// one object (with a previous sample one second earlier when
// IncludePreviousSample is set), or with Stream one object per second of the
// engine clock until the context ends, the reader is closed or the container
// is removed.
func (e *Engine) ContainerStats(ctx context.Context, ref string, options client.ContainerStatsOptions) (client.ContainerStatsResult, error) {
	var first container.StatsResponse
	var id string
	now := e.now()
	err := e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		id = c.ID
		var pre time.Time
		if !options.Stream && options.IncludePreviousSample {
			pre = now.Add(-time.Second)
		}
		first = c.stats(now, pre)
		return nil
	})
	if err != nil {
		return client.ContainerStatsResult{}, err
	}
	b, _ := json.Marshal(first)
	b = append(b, '\n')
	if !options.Stream {
		return client.ContainerStatsResult{Body: io.NopCloser(bytes.NewReader(b))}, nil
	}
	pr, pw := io.Pipe()
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		prev := now
		for {
			if _, err := pw.Write(b); err != nil {
				return
			}
			select {
			case <-ctx.Done():
				pw.Close()
				return
			case <-e.done:
				pw.CloseWithError(ErrClosed)
				return
			case <-e.clock.After(prev.Add(time.Second).Sub(e.now())):
			}
			next := prev.Add(time.Second)
			var sample container.StatsResponse
			gone := false
			err := e.view(ctx, func(s *state) error {
				c := s.containers[id]
				if c == nil {
					gone = true
					return nil
				}
				sample = c.stats(next, prev)
				return nil
			})
			if err != nil || gone {
				pw.CloseWithError(err)
				return
			}
			prev = next
			b, _ = json.Marshal(sample)
			b = append(b, '\n')
		}
	}()
	return client.ContainerStatsResult{Body: pr}, nil
}
