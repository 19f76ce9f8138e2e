package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// idPattern matches object ids (64 hex digits) and their 12-digit short form.
var idPattern = regexp.MustCompile(`[0-9a-f]{64}|[0-9a-f]{12}`)

// normalizeIDs replaces ids, which are random as dockerd's, by their order of
// first appearance, so two runs can be compared byte for byte. A 12-digit
// match is a short id only when it is the prefix of a full id in b (so a
// number, or an id that happens to start with 12 decimal digits, is told apart
// by what b holds rather than by its letters).
func normalizeIDs(b []byte) []byte {
	full := map[string]bool{}
	for _, m := range idPattern.FindAll(b, -1) {
		if len(m) == 64 {
			full[string(m[:12])] = true
		}
	}
	seen := map[string]string{}
	return idPattern.ReplaceAllFunc(b, func(m []byte) []byte {
		key := string(m[:12])
		if !full[key] {
			return m // not an id of this output
		}
		if _, ok := seen[key]; !ok {
			seen[key] = "ID" + strconv.Itoa(len(seen))
		}
		if len(m) == 64 {
			return []byte("<" + seen[key] + ">")
		}
		return []byte("<" + seen[key] + "-short>")
	})
}

// scenario drives one engine through a fixed sequence of calls on a fake
// clock and returns everything observable: inspect, logs, stats, events.
func scenario(t *testing.T) []byte {
	e, clk := newEngine(t)
	ctx := context.Background()
	for _, img := range []string{"postgres", "busybox", "redis"} {
		pull(t, e, img)
	}
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "net", client.NetworkCreateOptions{}))
	db := run(t, e, client.ContainerCreateOptions{Name: "db", Image: "postgres",
		Config: &container.Config{Env: []string{"POSTGRES_PASSWORD=x"},
			Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "pg_isready"}, Interval: 2 * time.Second}},
		HostConfig: &container.HostConfig{NetworkMode: "net", Binds: []string{"pgdata:/var/lib/postgresql/data"},
			PortBindings: network.PortMap{network.MustParsePort("5432/tcp"): {{HostPort: "15432"}}}}})
	clk.Advance(3 * time.Second)
	job := run(t, e, client.ContainerCreateOptions{Name: "job", Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "net"},
		Config: &container.Config{Cmd: []string{"sh", "-c", "echo start; nc -z db 5432 || echo down >&2; sleep 3; echo done; exit 2"}}})
	cache := run(t, e, client.ContainerCreateOptions{Name: "cache", Image: "redis",
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways}}})
	clk.Advance(10 * time.Second)
	execRun(t, e, db, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo row >> /var/lib/postgresql/data/t; cat /var/lib/postgresql/data/t"}})
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, cache, client.ContainerKillOptions{Signal: "SIGKILL"}))
	clk.Advance(5 * time.Second)
	must[client.ContainerStopResult](t)(e.ContainerStop(ctx, db, client.ContainerStopOptions{}))
	must[client.ContainerStartResult](t)(e.ContainerStart(ctx, db, client.ContainerStartOptions{}))
	// A paused command's time stands still; a stop waits out its timeout on the clock.
	worker := run(t, e, client.ContainerCreateOptions{Name: "worker", Image: "busybox",
		Config: &container.Config{Cmd: []string{"sh", "-c", "echo w1; sleep 4; echo w2; sleep 100"}}})
	clk.Advance(time.Second)
	must[client.ContainerPauseResult](t)(e.ContainerPause(ctx, worker, client.ContainerPauseOptions{}))
	clk.Advance(2 * time.Second)
	must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, worker, client.ContainerUnpauseOptions{}))
	clk.Advance(5 * time.Second)
	stopped(t, e, clk, worker)
	clk.Advance(30 * time.Second)

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for _, id := range []string{db, job, cache, worker} {
		enc.Encode(inspect(t, e, id))
		rc, err := e.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		out.Write(b)
		st, err := e.ContainerStats(ctx, id, client.ContainerStatsOptions{IncludePreviousSample: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(st.Body)
		out.Write(b)
	}
	for _, m := range history(t, e, clk.Now(), client.Filters{}) {
		enc.Encode(m)
	}
	return normalizeIDs(out.Bytes())
}

// Determinism: with a fake clock the same calls give byte-identical inspect,
// logs, stats and events (ids aside, which are random as dockerd's).
func TestDeterminism(t *testing.T) {
	a, b := scenario(t), scenario(t)
	if !bytes.Equal(a, b) {
		la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
		for i := range min(len(la), len(lb)) {
			if !bytes.Equal(la[i], lb[i]) {
				t.Fatalf("runs differ at line %d:\n%s\n%s", i, la[i], lb[i])
			}
		}
		t.Fatalf("runs differ in length: %d vs %d lines", len(la), len(lb))
	}
	for _, want := range []string{"health_status: healthy", `"ExitCode":2`, "done", "eth0", "Ready to accept connections",
		"w2", `"ExitCode":137`, `"Action":"unpause"`} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("scenario output lacks %q: the comparison would be vacuous", want)
		}
	}
}
