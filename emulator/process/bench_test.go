package process

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/shell"
)

// fleet builds n running containers with health checks, the way the engine
// would: shell.Run of the command and NewHealthcheck, once per container.
func fleet(tb testing.TB, n int) ([]*Spec, [][]Action) {
	kinds := []struct {
		image string
		argv  []string
		test  []string
	}{
		{"postgres", []string{"docker-entrypoint.sh", "postgres"}, []string{"CMD-SHELL", "pg_isready -U postgres"}},
		{"redis", []string{"docker-entrypoint.sh", "redis-server"}, []string{"CMD", "redis-cli", "ping"}},
		{"nginx", []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}, []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
		{"busybox", []string{"sh", "-c", "echo worker; sleep infinity"}, []string{"CMD-SHELL", "test -e /etc || exit 1"}},
	}
	specs := make([]*Spec, n)
	hist := make([][]Action, n)
	for i := range n {
		k := kinds[i%len(kinds)]
		c := shell.Context{Env: []string{"PATH=/bin", "POSTGRES_PASSWORD=pw"}, Hostname: "c", FS: shell.NewMemFS("/etc"), Image: k.image}
		res, err := shell.Run(c, k.argv)
		if err != nil {
			tb.Fatal(err)
		}
		hc, err := NewHealthcheck(&container.HealthConfig{Test: k.test, Interval: 10 * time.Second, StartPeriod: 30 * time.Second, StartInterval: time.Second}, c, res.Server)
		if err != nil {
			tb.Fatal(err)
		}
		specs[i] = &Spec{Command: res, Health: hc, Restart: RestartPolicy{Name: RestartUnlessStopped}}
		hist[i] = []Action{{Kind: Start, At: t0.Add(time.Duration(i) * time.Millisecond)}}
	}
	return specs, hist
}

func benchObserve(b *testing.B, after time.Duration) {
	specs, hist := fleet(b, 1000)
	now := t0.Add(after)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range specs {
			st := Evaluate(specs[i], hist[i], now)
			if st.State != StateRunning || st.Health == nil || st.Health.Status != Healthy {
				b.Fatalf("container %d: %s %+v", i, st.State, st.Health)
			}
		}
	}
}

// BenchmarkEvaluate1000Healthy1h evaluates 1000 running containers with health
// checks one hour after their start (one op = the whole fleet).
func BenchmarkEvaluate1000Healthy1h(b *testing.B) { benchObserve(b, time.Hour) }

// BenchmarkEvaluate1000Healthy30d: a month of probes (260k each) is counted,
// not simulated, so the cost does not grow with uptime.
func BenchmarkEvaluate1000Healthy30d(b *testing.B) { benchObserve(b, 30*24*time.Hour) }

// BenchmarkBuildSpecs1000 is the one-off cost of interpreting the command and
// the probes of 1000 containers (the engine caches Specs per container).
func BenchmarkBuildSpecs1000(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		fleet(b, 1000)
	}
}
