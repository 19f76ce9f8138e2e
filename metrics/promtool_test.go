package metrics

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reconciler/reconciler/planner"
)

// TestPromtoolCheckMetrics lints a live scrape of the server with Prometheus's
// own linter, as `curl -s .../metrics | promtool check metrics` does.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian: apt-get install prometheus); GatherAndLint in TestLintClean covers the same rules")
	}
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RecordFileEvent("write")
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultSuccess, End: time.Unix(100, 0), LoadAttempted: true, Planned: true,
		Phases:  []PhaseDuration{{PhaseLoad, time.Millisecond}},
		Actions: []ActionOutcome{{"create_container", "done"}}, Desired: demoDesired("web"),
		Observed: &planner.Observed{Project: "demo", Containers: []planner.Container{ctr("demo-web-1", "web", "running", "")}}})
	s, err := Listen("127.0.0.1:0", Handler(reg, m))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(t.Context())
	resp, err := http.Get("http://" + s.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
