package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

func demoDesired(services ...string) *spec.Desired {
	d := &spec.Desired{Project: "demo", Networks: []spec.Network{{Key: "default", Name: "demo_default"}}}
	for _, s := range services {
		svc := spec.Service{Name: s, Image: s + ":1", Replicas: 2}
		for n := 1; n <= 2; n++ {
			svc.Containers = append(svc.Containers, spec.Container{Name: "demo-" + s + "-" + string(rune('0'+n)), Service: s, Number: n,
				HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "always"}}})
		}
		d.Services = append(d.Services, svc)
	}
	return d
}

func ctr(name, svc, state, health string) planner.Container {
	return planner.Container{Name: name, State: state, Health: health,
		Labels: map[string]string{spec.LabelProject: "demo", spec.LabelService: svc}}
}

func TestLintClean(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m := New(reg)
	m.RecordFileEvent("write")
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultSuccess, End: time.Unix(100, 0), LoadAttempted: true, Planned: true,
		Phases:  []PhaseDuration{{PhaseLoad, time.Millisecond}, {PhaseApply, time.Second}},
		Actions: []ActionOutcome{{"create_container", "done"}}, Desired: demoDesired("web"),
		Observed: &planner.Observed{Project: "demo", Containers: []planner.Container{ctr("demo-web-1", "web", "running", "")}}})
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	// Every metric of ours is under the one prefix.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		n := mf.GetName()
		names = append(names, n)
		if !strings.HasPrefix(n, "reconciler_") && !strings.HasPrefix(n, "go_") && !strings.HasPrefix(n, "process_") {
			t.Errorf("metric %s outside reconciler_/go_/process_", n)
		}
	}
	for _, want := range []string{"reconciler_build_info", "go_goroutines", "reconciler_service_ready", "reconciler_drift_detected_total"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestReconcileTotalPrecreated(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	if got, want := testutil.CollectAndCount(m.reconcileTotal), len(Results)*len(Triggers); got != want {
		t.Errorf("reconcile_total series = %d, want %d", got, want)
	}
	m.RecordPass(Pass{Trigger: TriggerResync, Result: ResultError, FailedPhase: PhaseApply, Error: "boom"})
	m.RecordPass(Pass{Trigger: TriggerResync, Result: ResultError, FailedPhase: PhaseApply, Error: "boom"})
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultSuccess, Converged: true})
	if got := testutil.ToFloat64(m.reconcileTotal.WithLabelValues("error", "resync")); got != 2 {
		t.Errorf("error/resync = %v", got)
	}
	if got := testutil.ToFloat64(m.errorsTotal.WithLabelValues("apply")); got != 2 {
		t.Errorf("errors{apply} = %v", got)
	}
	if got := testutil.ToFloat64(m.errorsTotal.WithLabelValues("load")); got != 0 {
		t.Errorf("errors{load} = %v", got)
	}
}

func TestConfigReloadAndTimestamps(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RecordPass(Pass{Trigger: TriggerStartup, Result: ResultSuccess, End: time.Unix(1000, 0), LoadAttempted: true, Converged: true})
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultError, End: time.Unix(2000, 0), LoadAttempted: true, FailedPhase: PhaseLoad, Error: "stack.yml: services.web.image: bad"})
	err := testutil.CollectAndCompare(reg, strings.NewReader(`
# HELP reconciler_config_last_reload_successful Whether the last load of the compose files succeeded (1) or failed (0).
# TYPE reconciler_config_last_reload_successful gauge
reconciler_config_last_reload_successful 0
# HELP reconciler_config_last_reload_success_timestamp_seconds Unix time of the last successful load of the compose files.
# TYPE reconciler_config_last_reload_success_timestamp_seconds gauge
reconciler_config_last_reload_success_timestamp_seconds 1000
# HELP reconciler_last_reconcile_success_timestamp_seconds Unix time of the end of the last successful reconcile pass.
# TYPE reconciler_last_reconcile_success_timestamp_seconds gauge
reconciler_last_reconcile_success_timestamp_seconds 1000
`), "reconciler_config_last_reload_successful", "reconciler_config_last_reload_success_timestamp_seconds",
		"reconciler_last_reconcile_success_timestamp_seconds")
	if err != nil {
		t.Error(err)
	}
	if ok, why := m.Ready(); ok || !strings.Contains(why, "services.web.image") {
		t.Errorf("Ready = %v %q", ok, why)
	}
}

func TestPlanChangesDriftActions(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RecordPass(Pass{Trigger: TriggerEngine, Result: ResultSuccess, Planned: true, PlanAdd: 1, PlanChange: 2, Drift: true,
		Actions: []ActionOutcome{{"create_container", "done"}, {"start_container", "done"}, {"start_container", "failed"}}})
	err := testutil.CollectAndCompare(reg, strings.NewReader(`
# HELP reconciler_plan_changes Changes in the last computed plan, by kind (add, change, destroy).
# TYPE reconciler_plan_changes gauge
reconciler_plan_changes{action="add"} 1
reconciler_plan_changes{action="change"} 2
reconciler_plan_changes{action="destroy"} 0
# HELP reconciler_drift_detected_total Passes that had to act although the desired state had not changed.
# TYPE reconciler_drift_detected_total counter
reconciler_drift_detected_total 1
# HELP reconciler_apply_actions_total Plan actions executed, by action and result (done, failed, skipped).
# TYPE reconciler_apply_actions_total counter
reconciler_apply_actions_total{action="create_container",result="done"} 1
reconciler_apply_actions_total{action="start_container",result="done"} 1
reconciler_apply_actions_total{action="start_container",result="failed"} 1
`), "reconciler_plan_changes", "reconciler_drift_detected_total", "reconciler_apply_actions_total")
	if err != nil {
		t.Error(err)
	}
}

func TestServiceSeriesFollowTheFile(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	obs := &planner.Observed{Project: "demo", Containers: []planner.Container{
		ctr("demo-web-1", "web", "running", "healthy"), ctr("demo-web-2", "web", "running", "starting"),
		ctr("demo-api-1", "api", "running", ""), ctr("demo-api-2", "api", "running", ""),
	}}
	m.RecordPass(Pass{Trigger: TriggerStartup, Result: ResultSuccess, Desired: demoDesired("api", "web"), Observed: obs})
	want := `
# HELP reconciler_service_ready Whether every desired replica of the service is ready (1) or not (0).
# TYPE reconciler_service_ready gauge
reconciler_service_ready{project="demo",service="api"} 1
reconciler_service_ready{project="demo",service="web"} 0
# HELP reconciler_service_info One series per service in the compose file, with its image; always 1.
# TYPE reconciler_service_info gauge
reconciler_service_info{image="api:1",project="demo",service="api"} 1
reconciler_service_info{image="web:1",project="demo",service="web"} 1
`
	if err := testutil.CollectAndCompare(m.state, strings.NewReader(want), "reconciler_service_ready", "reconciler_service_info"); err != nil {
		t.Error(err)
	}
	// web leaves the file: its series vanish at the next scrape.
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultSuccess, Desired: demoDesired("api"), Observed: obs})
	want = `
# HELP reconciler_service_ready Whether every desired replica of the service is ready (1) or not (0).
# TYPE reconciler_service_ready gauge
reconciler_service_ready{project="demo",service="api"} 1
# HELP reconciler_resources Resources of the project, desired (in the file) vs observed (on the engine); containers also counted running.
# TYPE reconciler_resources gauge
reconciler_resources{kind="container",project="demo",state="desired"} 2
reconciler_resources{kind="container",project="demo",state="observed"} 4
reconciler_resources{kind="container",project="demo",state="running"} 4
reconciler_resources{kind="image",project="demo",state="desired"} 0
reconciler_resources{kind="image",project="demo",state="observed"} 0
reconciler_resources{kind="network",project="demo",state="desired"} 1
reconciler_resources{kind="network",project="demo",state="observed"} 0
reconciler_resources{kind="service",project="demo",state="desired"} 1
reconciler_resources{kind="service",project="demo",state="observed"} 2
reconciler_resources{kind="volume",project="demo",state="desired"} 0
reconciler_resources{kind="volume",project="demo",state="observed"} 0
`
	if err := testutil.CollectAndCompare(m.state, strings.NewReader(want), "reconciler_service_ready", "reconciler_resources"); err != nil {
		t.Error(err)
	}
}

func TestNewToleratesExistingGoCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg)
	other := prometheus.NewRegistry()
	other.MustRegister(prometheus.NewGoCollector()) //nolint:staticcheck // the point: a pre-registered go collector
	New(other)
}
