package dockerpy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// deployStack is the seed's deploy_stack(): a network, a volume, a database
// and a web container on the network.
func deployStack(ctx context.Context, cli *dockerpy.Client) (db, web *dockerpy.Container, err error) {
	// Create network.
	if _, err := cli.Networks.Create(ctx, "app_network", client.NetworkCreateOptions{}); err != nil {
		return nil, nil, err
	}
	// Create volume for data persistence.
	dbVolume, err := cli.Volumes.Create(ctx, client.VolumeCreateOptions{Name: "postgres_data"})
	if err != nil {
		return nil, nil, err
	}
	// Run database container.
	db, _, err = cli.Containers.Run(ctx, "postgres:13", dockerpy.RunOptions{
		Name: "db",
		Environment: map[string]string{
			"POSTGRES_DB":       "myapp",
			"POSTGRES_USER":     "admin",
			"POSTGRES_PASSWORD": "secret",
		},
		Volumes: map[string]string{dbVolume.Name(): "/var/lib/postgresql/data"},
		Network: "app_network",
		Detach:  true,
	})
	if err != nil {
		return nil, nil, err
	}
	// Run web application container.
	web, _, err = cli.Containers.Run(ctx, "myapp:latest", dockerpy.RunOptions{
		Name:        "web",
		Ports:       map[string]string{"8000/tcp": "8000"},
		Environment: map[string]string{"DATABASE_URL": "postgresql://admin:secret@db:5432/myapp"},
		Network:     "app_network",
		Detach:      true,
	})
	if err != nil {
		return nil, nil, err
	}
	fmt.Println("Stack deployed successfully!")
	return db, web, nil
}

// cleanupStack is the seed's cleanup_stack(): a missing object is not an error.
func cleanupStack(ctx context.Context, cli *dockerpy.Client) error {
	var notFound *dockerpy.NotFound
	// Stop and remove containers.
	for _, name := range []string{"web", "db"} {
		container, err := cli.Containers.Get(ctx, name)
		if errors.As(err, &notFound) {
			continue
		} else if err != nil {
			return err
		}
		if err := container.Stop(ctx, nil); err != nil {
			return err
		}
		if err := container.Remove(ctx, dockerpy.RemoveOptions{}); err != nil {
			return err
		}
	}
	// Remove network.
	network, err := cli.Networks.Get(ctx, "app_network")
	if err == nil {
		err = network.Remove(ctx)
	}
	if err != nil && !errors.As(err, &notFound) {
		return err
	}
	fmt.Println("Stack cleaned up!")
	return nil
}

// Container orchestration script (seed: "Real-World Use Cases").
func Example_orchestrationScript() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	db, web, err := deployStack(ctx, cli)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = db.Reload(ctx)
	_ = web.Reload(ctx)
	fmt.Println("database:", db.Name(), db.Status(), db.Attrs().Mounts[0].Name, "->", db.Attrs().Mounts[0].Destination)
	fmt.Println("web:", web.Name(), web.Status(), web.Ports())
	network, _ := cli.Networks.Get(ctx, "app_network")
	fmt.Println("app_network members:", len(network.Attrs().Containers))

	// Deploying twice conflicts on the network name.
	if _, _, err := deployStack(ctx, cli); err != nil {
		var apiErr *dockerpy.APIError
		errors.As(err, &apiErr)
		fmt.Println("redeploy:", apiErr.StatusCode)
	}

	if err := cleanupStack(ctx, cli); err != nil {
		fmt.Println(err)
		return
	}
	left, _ := cli.Containers.List(ctx, dockerpy.ListOptions{All: true})
	_, err = cli.Volumes.Get(ctx, "postgres_data")
	fmt.Println("containers left:", len(left), "data volume kept:", err == nil)
	// Cleaning up again finds nothing and succeeds.
	if err := cleanupStack(ctx, cli); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Stack deployed successfully!
	// database: db running postgres_data -> /var/lib/postgresql/data
	// web: web running map[8000/tcp:[{0.0.0.0 8000} {:: 8000}]]
	// app_network members: 2
	// redeploy: 409
	// Stack cleaned up!
	// containers left: 0 data volume kept: true
	// Stack cleaned up!
}

// Automated testing with Docker (seed: "Automated Testing with Docker"). The
// seed's myapp-tests image is unknown to the registry, so its synthetic default
// command would serve forever; the example gives the test run a command that
// exits at once, as a test image's would (on the example's fake clock, a
// command that prints takes simulated time, which the clock never reaches).
func Example_automatedTesting() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	// Start test database.
	db, _, err := cli.Containers.Run(ctx, "postgres:13", dockerpy.RunOptions{
		Environment: map[string]string{"POSTGRES_PASSWORD": "test"},
		Ports:       map[string]string{"5432/tcp": "5432"},
		Detach:      true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = db.Reload(ctx)
	fmt.Println("db:", db.Status(), "generated name:", db.Name() != "")

	// Run tests in a container, attached: Run returns when it exits.
	testContainer, _, err := cli.Containers.Run(ctx, "myapp-tests:latest", dockerpy.RunOptions{
		Command:     []string{"sh", "-c", "exit 0"},
		Environment: map[string]string{"DB_HOST": "localhost", "DB_PORT": "5432"},
		NetworkMode: "host",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = testContainer.Reload(ctx)
	fmt.Println("tests:", testContainer.Status(), testContainer.Attrs().State.ExitCode)

	// A failing test run is a ContainerError carrying the exit status.
	_, _, err = cli.Containers.Run(ctx, "myapp-tests:latest", dockerpy.RunOptions{
		Command: []string{"sh", "-c", "exit 3"},
		Remove:  true,
	})
	var failed *dockerpy.ContainerError
	if errors.As(err, &failed) {
		fmt.Println("failed tests: exit status", failed.ExitStatus)
	}

	// A second database on the same host port fails at start, as on a real host.
	_, _, err = cli.Containers.Run(ctx, "postgres:13", dockerpy.RunOptions{
		Ports:  map[string]string{"5432/tcp": "5432"},
		Detach: true,
	})
	var apiErr *dockerpy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("second db:", apiErr.StatusCode)
	}

	// Clean up.
	if err := db.Stop(ctx, nil); err != nil {
		fmt.Println(err)
	}
	if err := db.Remove(ctx, dockerpy.RemoveOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// db: running generated name: true
	// tests: exited 0
	// failed tests: exit status 3
	// second db: 500
}
