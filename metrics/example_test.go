package metrics_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/reconciler/reconciler/metrics"
)

func Example() {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.RecordPass(metrics.Pass{
		Trigger: metrics.TriggerStartup, Result: metrics.ResultSuccess, End: time.Unix(1700000000, 0),
		Phases:    []metrics.PhaseDuration{{Name: metrics.PhaseApply, Duration: 300 * time.Millisecond}},
		Converged: true,
	})
	n, _ := testutil.GatherAndCount(reg, "reconciler_reconcile_total")
	fmt.Println("reconcile_total series:", n)

	rec := httptest.NewRecorder()
	metrics.Handler(reg, m).ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	fmt.Println("/readyz:", rec.Code)
	// Output:
	// reconcile_total series: 10
	// /readyz: 200
}
