package planner

import (
	"fmt"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

// benchStack is n services with 30 config fields each, two networks, a volume on
// every tenth service and a depends_on chain every fifth service.
func benchStack(n int, drifted func(i int) bool) *spec.Desired {
	st := newStack("bench").net("front").net("back").vol("data")
	for i := range n {
		mods := []svcMod{nets("front", "back")}
		for f := range 30 {
			mods = append(mods, env(fmt.Sprintf("VAR_%02d", f), fmt.Sprintf("value-%d-%d", i, f)))
		}
		if drifted(i) {
			mods = append(mods, env("VAR_00", "changed"))
		}
		if i%10 == 0 {
			mods = append(mods, vols("data"))
		}
		if i%5 == 4 {
			mods = append(mods, dependsOn(fmt.Sprintf("svc%04d", i-1), "service_healthy", true, false))
		}
		st.svc(fmt.Sprintf("svc%04d", i), mods...)
	}
	return st.desired()
}

// BenchmarkUp1000Services10PercentDrift plans 1000 services against an observed
// state where 100 services have a changed config (replaced with a field diff).
// Target: <= 5 ms/op (>= 200,000 services/s).
func BenchmarkUp1000Services10PercentDrift(b *testing.B) {
	const n = 1000
	live := deployed(b, benchStack(n, func(int) bool { return false }))
	d := benchStack(n, func(i int) bool { return i%10 == 3 })
	p, err := Up(d, live, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if s := p.Summary(); s.Add != n/10 || s.Destroy != n/10 {
		b.Fatalf("summary %+v, want %d replacements", s, n/10)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Up(d, live, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "services/s")
}
