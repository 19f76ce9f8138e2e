package metrics

import (
	"errors"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Namespace prefixes every metric this package defines.
const Namespace = "reconciler"

// Label values. Every combination of Results x Triggers exists from New on, at 0.
var (
	// Results are the `result` values of reconcile_total.
	Results = []string{ResultSuccess, ResultError}
	// Triggers are the `trigger` values of reconcile_total.
	Triggers = []string{TriggerStartup, TriggerFile, TriggerEngine, TriggerResync, TriggerRetry}
	// Phases are the phases of one pass, the `phase` label values.
	Phases = []string{PhaseLoad, PhaseObserve, PhasePlan, PhaseApply}
	// ChangeKinds are the `action` values of plan_changes (terraform's summary).
	ChangeKinds = []string{ChangeAdd, ChangeChange, ChangeDestroy}
)

// Label value constants.
const (
	ResultSuccess = "success"
	ResultError   = "error"

	TriggerStartup = "startup"
	TriggerFile    = "file"
	TriggerEngine  = "engine"
	TriggerResync  = "resync"
	TriggerRetry   = "retry"

	PhaseLoad    = "load"
	PhaseObserve = "observe"
	PhasePlan    = "plan"
	PhaseApply   = "apply"

	ChangeAdd     = "add"
	ChangeChange  = "change"
	ChangeDestroy = "destroy"
)

// Version is reported by reconciler_build_info; the binary may set it with
// -ldflags "-X github.com/reconciler/reconciler/metrics.Version=v1.2.3".
// Empty means the module version from the build info.
var Version = ""

// Metrics is the reconciler's metric set. Create it with New; its methods are
// safe for concurrent use. A nil *Metrics records nothing.
type Metrics struct {
	reconcileTotal *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	errorsTotal    *prometheus.CounterVec
	actionsTotal   *prometheus.CounterVec
	planChanges    *prometheus.GaugeVec
	driftTotal     prometheus.Counter
	configOK       prometheus.Gauge
	configTS       prometheus.Gauge
	lastSuccessTS  prometheus.Gauge
	fileEvents     *prometheus.CounterVec

	state *stateCollector

	mu        sync.Mutex
	ready     bool
	lastError string
}

// DurationBuckets are reconcile_duration_seconds' buckets: 5 ms to ~80 s.
var DurationBuckets = prometheus.ExponentialBuckets(0.005, 2, 15)

// New creates the metric set and registers it on reg (never a global registry):
// the reconciler_* metrics, reconciler_build_info, and the go_* and process_*
// collectors (skipped without error when reg already has them). It panics if
// reg already holds reconciler_* metrics, as prometheus.MustRegister does.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		reconcileTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "reconcile_total",
			Help: "Reconcile passes, by result and by what triggered them.",
		}, []string{"result", "trigger"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "reconcile_duration_seconds",
			Help:    "Duration of each phase of a reconcile pass (load, observe, plan, apply).",
			Buckets: DurationBuckets,
		}, []string{"phase"}),
		errorsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "reconcile_errors_total",
			Help: "Failed reconcile passes, by the phase that failed.",
		}, []string{"phase"}),
		actionsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "apply_actions_total",
			Help: "Plan actions executed, by action and result (done, failed, skipped).",
		}, []string{"action", "result"}),
		planChanges: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "plan_changes",
			Help: "Changes in the last computed plan, by kind (add, change, destroy).",
		}, []string{"action"}),
		driftTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "drift_detected_total",
			Help: "Passes that had to act although the desired state had not changed.",
		}),
		configOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "config_last_reload_successful",
			Help: "Whether the last load of the compose files succeeded (1) or failed (0).",
		}),
		configTS: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful load of the compose files.",
		}),
		lastSuccessTS: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "last_reconcile_success_timestamp_seconds",
			Help: "Unix time of the end of the last successful reconcile pass.",
		}),
		fileEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "file_events_total",
			Help: "File system events on watched files, by operation.",
		}, []string{"op"}),
		state: newStateCollector(),
	}
	for _, r := range Results {
		for _, t := range Triggers {
			m.reconcileTotal.WithLabelValues(r, t).Add(0)
		}
	}
	for _, p := range Phases {
		m.errorsTotal.WithLabelValues(p).Add(0)
	}
	for _, c := range ChangeKinds {
		m.planChanges.WithLabelValues(c).Set(0)
	}
	reg.MustRegister(m.reconcileTotal, m.duration, m.errorsTotal, m.actionsTotal, m.planChanges,
		m.driftTotal, m.configOK, m.configTS, m.lastSuccessTS, m.fileEvents, m.state, buildInfo())
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				panic(err)
			}
		}
	}
	return m
}

func buildInfo() prometheus.Collector {
	version, revision, goversion := Version, "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goversion = bi.GoVersion
		if version == "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info",
		Help:        "Build information of the running reconciler; always 1.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goversion},
	})
	g.Set(1)
	return g
}

// Ready reports whether the last pass converged (the /readyz answer) and, when
// not, why.
func (m *Metrics) Ready() (bool, string) {
	if m == nil {
		return false, "no metrics"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.ready && m.lastError == "" {
		return false, "no reconcile pass finished yet"
	}
	return m.ready, m.lastError
}

// RecordFileEvent counts one file system event on a watched file (op is
// fsnotify's operation name in lower case: create, write, remove, rename).
func (m *Metrics) RecordFileEvent(op string) {
	if m == nil {
		return
	}
	m.fileEvents.WithLabelValues(op).Inc()
}

// RecordPass records one finished pass.
func (m *Metrics) RecordPass(p Pass) {
	if m == nil {
		return
	}
	m.reconcileTotal.WithLabelValues(p.Result, p.Trigger).Inc()
	for _, ph := range p.Phases {
		m.duration.WithLabelValues(ph.Name).Observe(ph.Duration.Seconds())
	}
	if p.FailedPhase != "" {
		m.errorsTotal.WithLabelValues(p.FailedPhase).Inc()
	}
	if p.LoadAttempted {
		if p.FailedPhase == PhaseLoad {
			m.configOK.Set(0)
		} else {
			m.configOK.Set(1)
			m.configTS.Set(unix(p.End))
		}
	}
	if p.Planned {
		m.planChanges.WithLabelValues(ChangeAdd).Set(float64(p.PlanAdd))
		m.planChanges.WithLabelValues(ChangeChange).Set(float64(p.PlanChange))
		m.planChanges.WithLabelValues(ChangeDestroy).Set(float64(p.PlanDestroy))
	}
	for _, a := range p.Actions {
		m.actionsTotal.WithLabelValues(a.Action, a.Result).Inc()
	}
	if p.Drift {
		m.driftTotal.Inc()
	}
	if p.Result == ResultSuccess {
		m.lastSuccessTS.Set(unix(p.End))
	}
	m.state.set(p.Desired, p.Observed)
	m.mu.Lock()
	m.ready = p.Result == ResultSuccess && p.Converged
	m.lastError = p.Error
	m.mu.Unlock()
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
