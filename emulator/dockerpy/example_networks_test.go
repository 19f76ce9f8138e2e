package dockerpy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Creating networks (seed: "Creating Networks").
func ExampleNetworkCollection_Create() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	// Create a custom bridge network.
	network, err := cli.Networks.Create(ctx, "my_network", client.NetworkCreateOptions{
		Driver:  "bridge",
		Options: map[string]string{"com.docker.network.bridge.name": "my_bridge"},
		Labels:  map[string]string{"env": "development"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(network.Name(), network.Driver(), network.Labels(), network.Attrs().Options)

	// A second network with the same name is a conflict.
	_, err = cli.Networks.Create(ctx, "my_network", client.NetworkCreateOptions{})
	var apiErr *dockerpy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Explanation)
	}
	// Output:
	// my_network bridge map[env:development] map[com.docker.network.bridge.name:my_bridge]
	// 409 network with name my_network already exists
}

// Connecting containers to networks (seed: "Connecting Containers to Networks").
func ExampleNetwork_Connect() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	// Create network and container.
	network, err := cli.Networks.Create(ctx, "app_network", client.NetworkCreateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	container, _, err := cli.Containers.Run(ctx, "nginx", dockerpy.RunOptions{Detach: true})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Connect container to network.
	if err := network.Connect(ctx, container.ID(), dockerpy.ConnectOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	_ = network.Reload(ctx)
	members, _ := network.Containers(ctx)
	fmt.Println("members:", len(members), members[0].ID() == container.ID())

	// Disconnect container from network.
	if err := network.Disconnect(ctx, container.ID(), false); err != nil {
		fmt.Println(err)
		return
	}
	_ = network.Reload(ctx)
	fmt.Println("members:", len(network.Attrs().Containers))
	// Output:
	// members: 1 true
	// members: 0
}

// Listing networks (seed: "Listing Networks").
func ExampleNetworkCollection_List() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()
	if _, err := cli.Networks.Create(ctx, "backend", client.NetworkCreateOptions{Driver: "bridge"}); err != nil {
		fmt.Println(err)
		return
	}

	// List all networks.
	networks, err := cli.Networks.List(ctx, dockerpy.NetworkListOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	names := map[string]string{}
	for _, network := range networks {
		names[network.Name()] = network.Driver()
	}
	fmt.Println(names)

	// Filter networks by driver.
	bridges, _ := cli.Networks.List(ctx, dockerpy.NetworkListOptions{Filters: client.Filters{}.Add("driver", "bridge")})
	fmt.Println("bridge networks:", len(bridges))
	// Output:
	// map[backend:bridge bridge:bridge host:host none:null]
	// bridge networks: 2
}

// Removing networks (seed: "Removing Networks").
func ExampleNetwork_Remove() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()
	for _, name := range []string{"my_network", "unused_one", "unused_two"} {
		if _, err := cli.Networks.Create(ctx, name, client.NetworkCreateOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}

	// Get and remove a network.
	network, err := cli.Networks.Get(ctx, "my_network")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := network.Remove(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_, err = cli.Networks.Get(ctx, "my_network")
	var notFound *dockerpy.NotFound
	fmt.Println("gone:", errors.As(err, &notFound))

	// Built-in networks cannot be removed.
	bridge, _ := cli.Networks.Get(ctx, "bridge")
	var apiErr *dockerpy.APIError
	if errors.As(bridge.Remove(ctx), &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Explanation)
	}

	// Prune unused networks.
	result, err := cli.Networks.Prune(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Removed %d networks\n", len(result.NetworksDeleted))
	// Output:
	// gone: true
	// 403 bridge is a pre-defined network and cannot be removed
	// Removed 2 networks
}
