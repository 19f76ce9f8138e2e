package process_test

import (
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// The engine builds a Spec when it starts a container, records what it does as
// Actions, and evaluates the state whenever it is observed.
func Example() {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	spec, err := process.NewSpec(process.Config{
		Argv:       []string{"docker-entrypoint.sh", "postgres"},
		Context:    shell.Context{Env: []string{"POSTGRES_PASSWORD=pw"}, Hostname: "0123456789ab", FS: shell.NewMemFS(), Image: "postgres"},
		StopSignal: "SIGINT",
		Restart:    process.RestartPolicy{Name: process.RestartUnlessStopped},
		Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "pg_isready -U postgres"},
			Interval: 5 * time.Second, StartPeriod: 10 * time.Second, StartInterval: time.Second},
	})
	if err != nil {
		panic(err)
	}
	history := []process.Action{
		{Kind: process.Start, At: t0},
		{Kind: process.Stop, At: t0.Add(time.Minute), Timeout: 10 * time.Second},
	}
	for _, now := range []time.Duration{2 * time.Second, 30 * time.Second, 2 * time.Minute} {
		st := process.Evaluate(spec, history, t0.Add(now))
		fmt.Printf("at %v: %s exit=%d health=%s\n", now, st.State, st.ExitCode, st.Health.Status)
	}
	st := process.Evaluate(spec, history, t0.Add(2*time.Minute))
	for _, tr := range st.Transitions {
		fmt.Printf("%v %s", tr.At.Sub(t0), tr.Event())
		switch tr.Kind {
		case process.TDie:
			fmt.Printf(" exitCode=%d", tr.ExitCode)
		case process.TKill:
			fmt.Printf(" signal=%d", tr.Signal)
		}
		fmt.Println()
	}
	// Output:
	// at 2s: running exit=0 health=starting
	// at 30s: running exit=0 health=healthy
	// at 2m0s: exited exit=0 health=unhealthy
	// 0s start
	// 3s health_status: healthy
	// 1m0s kill signal=2
	// 1m0.1s die exitCode=0
	// 1m0.1s stop
}
