package dockerpy_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Health checks (seed: "Client Management: Health checks"): a container's
// health as docker-py 7's container.health reports it, on the engine's clock.
func ExampleContainer_Health() {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	eng, err := emulator.Open(":memory:", emulator.WithClock(clock))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	web, _, err := client.Containers.Run(ctx, "nginx", dockerpy.RunOptions{
		Name: "web",
		Healthcheck: &container.HealthConfig{
			Test:     []string{"CMD-SHELL", "true"},
			Interval: 5 * time.Second,
			Timeout:  time.Second,
			Retries:  3,
		},
		Detach: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	plain, _, err := client.Containers.Run(ctx, "redis", dockerpy.RunOptions{Name: "cache", Detach: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = web.Reload(ctx)
	_ = plain.Reload(ctx)
	fmt.Println("web:", web.Health(), "cache:", plain.Health())

	clock.Advance(6 * time.Second)
	_ = web.Reload(ctx)
	fmt.Println("web after 6s:", web.Health())
	// Output:
	// web: starting cache: unknown
	// web after 6s: healthy
}
