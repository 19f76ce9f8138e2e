package dockerpy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Creating volumes (seed: "Creating Volumes").
func ExampleVolumeCollection_Create() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	// Create a named volume.
	volume, err := cli.Volumes.Create(ctx, client.VolumeCreateOptions{
		Name:   "my_data",
		Driver: "local",
		Labels: map[string]string{"backup": "daily"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(volume.Name(), volume.Driver(), volume.Labels(), volume.Attrs().Mountpoint)

	// Create an anonymous volume.
	volume, err = cli.Volumes.Create(ctx, client.VolumeCreateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Created volume with a 64-hex name: %v\n", len(volume.Name()) == 64)
	// Output:
	// my_data local map[backup:daily] /var/lib/docker/volumes/my_data/_data
	// Created volume with a 64-hex name: true
}

// Listing and managing volumes (seed: "Listing and Managing Volumes").
func ExampleVolumeCollection_List() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()
	for _, name := range []string{"my_data", "cache", "scratch"} {
		if _, err := cli.Volumes.Create(ctx, client.VolumeCreateOptions{Name: name}); err != nil {
			fmt.Println(err)
			return
		}
	}
	// A volume in use is not pruned.
	if _, _, err := cli.Containers.Run(ctx, "redis", dockerpy.RunOptions{
		Name: "cache-server", Volumes: map[string]string{"cache": "/data"}, Detach: true,
	}); err != nil {
		fmt.Println(err)
		return
	}

	// List all volumes (the redis image's VOLUME /data is satisfied by the named volume).
	volumes, err := cli.Volumes.List(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, volume := range volumes {
		fmt.Printf("Name: %s, Driver: %s\n", volume.Name(), volume.Driver())
	}

	// Get a specific volume, and remove it.
	volume, err := cli.Volumes.Get(ctx, "my_data")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := volume.Remove(ctx, false); err != nil {
		fmt.Println(err)
		return
	}
	_, err = cli.Volumes.Get(ctx, "my_data")
	var notFound *dockerpy.NotFound
	fmt.Println("my_data gone:", errors.As(err, &notFound))

	// Prune all unused volumes.
	result, err := cli.Volumes.Prune(ctx, client.Filters{}.Add("all", "true"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Removed %d volumes: %v\n", len(result.VolumesDeleted), result.VolumesDeleted)
	// Output:
	// Name: cache, Driver: local
	// Name: my_data, Driver: local
	// Name: scratch, Driver: local
	// my_data gone: true
	// Removed 1 volumes: [scratch]
}
