package dockerpy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// exampleEngine opens a private in-memory emulator on a fake clock, so the
// examples' output is deterministic.
func exampleEngine() *emulator.Engine {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	eng, err := emulator.Open(":memory:", emulator.WithClock(clock))
	if err != nil {
		panic(err)
	}
	return eng
}

// Creating a Docker client (seed: "Creating a Docker Client"). FromEnv opens
// the embedded engine's state file, or the engine at DOCKER_HOST when set.
func ExampleFromEnv() {
	dir, err := os.MkdirTemp("", "dockerpy-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.Setenv("RECONCILER_STATE", filepath.Join(dir, "state.db"))
	defer os.Unsetenv("RECONCILER_STATE")

	client, err := dockerpy.FromEnv()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	if ok, _ := client.Ping(context.Background()); ok {
		fmt.Println("Connected to Docker daemon")
	}
	// Output: Connected to Docker daemon
}

// Creating a client over an explicit engine (seed: DockerClient(base_url=...)).
func ExampleNew() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)

	if ok, _ := client.Ping(context.Background()); ok {
		fmt.Println("Connected to Docker daemon")
	}
	// Output: Connected to Docker daemon
}

// Getting system information (seed: "Getting System Information").
func ExampleClient_Version() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	version, err := client.Version(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Docker version set:", version.Version != "")
	fmt.Println("API version set:", version.APIVersion != "")

	if _, _, err := client.Containers.Run(ctx, "nginx", dockerpy.RunOptions{Detach: true}); err != nil {
		fmt.Println(err)
		return
	}
	info, err := client.Info(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Containers: %d\n", info.Containers)
	fmt.Printf("Images: %d\n", info.Images)
	fmt.Println("CPUs positive:", info.NCPU > 0)
	// Output:
	// Docker version set: true
	// API version set: true
	// Containers: 1
	// Images: 1
	// CPUs positive: true
}

// Event streaming (seed: "Event streaming"): with Until the stream ends once
// the engine has replayed the events up to that time.
func ExampleClient_Events() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	if _, _, err := client.Containers.Run(ctx, "nginx", dockerpy.RunOptions{Name: "web", Detach: true}); err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) // the example engine's clock
	for event, err := range client.Events(ctx, dockerpy.EventsOptions{Since: "0", Until: fmt.Sprint(now.Unix())}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		name := event.Actor.Attributes["name"]
		fmt.Println(event.Type, event.Action, name)
	}
	// Output:
	// image pull nginx
	// container create web
	// network connect bridge
	// container start web
}
