package dockerpy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Running containers (seed: "Running Containers"). As with docker-py, the
// container returned by a detached run was inspected before the start, so its
// status reads "created" until it is reloaded.
func ExampleContainerCollection_Run() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	container, _, err := client.Containers.Run(ctx, "nginx:latest", dockerpy.RunOptions{
		Name:        "my_web_server",
		Ports:       map[string]string{"80/tcp": "8080"},
		Environment: map[string]string{"ENV_VAR": "value"},
		Labels:      map[string]string{"app": "web", "env": "production"},
		Detach:      true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Container %s is %s\n", container.Name(), container.Status())

	if err := container.Reload(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Container %s is %s\n", container.Name(), container.Status())
	fmt.Println("Labels:", container.Labels())
	for port, bindings := range container.Ports() {
		fmt.Println("Port:", port, "->", bindings[0].HostPort)
	}
	// Output:
	// Container my_web_server is created
	// Container my_web_server is running
	// Labels: map[app:web env:production maintainer:NGINX Docker Maintainers <docker-maint@nginx.com>]
	// Port: 80/tcp -> 8080
}

// Container lifecycle management (seed: "Container Lifecycle Management";
// exec_run, logs and stats arrive with the emulator's runtime).
func ExampleContainerCollection_Create() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	// Create a container without starting it.
	container, err := client.Containers.Create(ctx, "ubuntu:latest", dockerpy.RunOptions{
		Name:    "my_container",
		Command: []string{"sleep", "3600"},
		Init:    true, // sleep as PID 1 ignores SIGTERM: without init, stop waits its timeout
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(container.Name(), container.Status())

	step := func(what string, err error) {
		if err == nil {
			err = container.Reload(ctx)
		}
		if err != nil {
			fmt.Println(what, "failed:", err)
			return
		}
		fmt.Println(what+":", container.Status())
	}
	timeout := 10
	step("start", container.Start(ctx))
	step("stop", container.Stop(ctx, &timeout))
	step("restart", container.Restart(ctx, nil))

	// Remove the container.
	if err := container.Remove(ctx, dockerpy.RemoveOptions{Force: true}); err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.Containers.Get(ctx, "my_container")
	var notFound *dockerpy.NotFound
	fmt.Println("removed:", errors.As(err, &notFound))
	// Output:
	// my_container created
	// start: running
	// stop: exited
	// restart: running
	// removed: true
}

// Listing containers (seed: "Listing Containers").
func ExampleContainerCollection_List() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	for _, name := range []string{"web", "worker", "stopped"} {
		c, _, err := cli.Containers.Run(ctx, "alpine", dockerpy.RunOptions{Name: name, Command: []string{"sleep", "3600"}, Detach: true,
			Init: true}) // init passes SIGTERM on: stop does not wait its timeout
		if err != nil {
			fmt.Println(err)
			return
		}
		if name == "stopped" {
			if err := c.Stop(ctx, nil); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	if _, err := cli.Containers.Create(ctx, "alpine", dockerpy.RunOptions{Name: "fresh"}); err != nil {
		fmt.Println(err)
		return
	}

	// List running containers (newest first).
	running, _ := cli.Containers.List(ctx, dockerpy.ListOptions{})
	for _, container := range running {
		fmt.Printf("%s: %s\n", container.Name(), container.Status())
	}
	// List all containers (including stopped).
	all, _ := cli.Containers.List(ctx, dockerpy.ListOptions{All: true})
	fmt.Println("all:", len(all))
	// Filter containers by status.
	stopped, _ := cli.Containers.List(ctx, dockerpy.ListOptions{All: true, Filters: client.Filters{}.Add("status", "exited")})
	for _, container := range stopped {
		fmt.Printf("exited: %s\n", container.Name())
	}
	// Output:
	// worker: running
	// web: running
	// all: 4
	// exited: stopped
}

// Pruning stopped containers (seed: "Pruning Stopped Containers").
func ExampleContainerCollection_Prune() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	for _, name := range []string{"job-a", "job-b", "job-c"} {
		c, _, err := client.Containers.Run(ctx, "busybox", dockerpy.RunOptions{Name: name, Command: []string{"sleep", "3600"}, Detach: true,
			Init: true}) // init passes SIGTERM on: stop does not wait its timeout
		if err != nil {
			fmt.Println(err)
			return
		}
		if name != "job-c" {
			_ = c.Stop(ctx, nil)
		}
	}

	result, err := client.Containers.Prune(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Removed %d containers\n", len(result.ContainersDeleted))
	left, _ := client.Containers.List(ctx, dockerpy.ListOptions{All: true})
	fmt.Println("left:", left[0].Name())
	// Output:
	// Removed 2 containers
	// left: job-c
}

// Container attributes (seed: "Container Attributes").
func ExampleContainer_Attrs() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	if _, _, err := client.Containers.Run(ctx, "nginx", dockerpy.RunOptions{
		Name: "my_container", Ports: map[string]string{"80/tcp": "127.0.0.1:8080"}, Detach: true,
	}); err != nil {
		fmt.Println(err)
		return
	}

	container, err := client.Containers.Get(ctx, "my_container")
	if err != nil {
		fmt.Println(err)
		return
	}
	attrs := container.Attrs()
	fmt.Println("ID is 64 hex:", len(attrs.ID) == 64, "short:", container.ShortID() == attrs.ID[:12])
	fmt.Printf("Name: %s\n", attrs.Name)
	fmt.Printf("Status: %s\n", attrs.State.Status)
	fmt.Printf("Image: %s\n", attrs.Config.Image)
	fmt.Printf("Ports: %v\n", attrs.NetworkSettings.Ports)
	// Output:
	// ID is 64 hex: true short: true
	// Name: /my_container
	// Status: running
	// Image: nginx
	// Ports: map[80/tcp:[{127.0.0.1 8080}]]
}
