// Package dockerpy is the seed's client API in Go: docker-py's high-level
// interface (DockerClient with containers, images, networks and volumes
// collections, and their models) over any engine with moby's client method
// set. It owns only the translation from docker-py's calls to Engine API calls
// (the same sequences docker-py sends, see docker-engine-api.md §2) and
// docker-py's error classes; all state lives in the engine.
//
// The engine is the Engine interface, a subset of moby's client.APIClient with
// identical signatures, so the same code drives the embedded emulator and a
// real dockerd:
//
//	cli := dockerpy.New(engine) // engine: *emulator.Engine or *client.Client
//	ctx := context.Background()
//	ok, _ := cli.Ping(ctx)
//	c, _, err := cli.Containers.Run(ctx, "nginx:latest", dockerpy.RunOptions{
//		Name:   "my_web_server",
//		Ports:  map[string]string{"80/tcp": "8080"},
//		Labels: map[string]string{"app": "web"},
//		Detach: true,
//	})
//	var nf *dockerpy.NotFound
//	if errors.As(err, &nf) { ... }           // docker-py's NotFound
//	if cerrdefs.IsConflict(err) { ... }      // engine error classes still visible
//	_ = c.Reload(ctx)                        // Attrs change only on Reload
//	fmt.Println(c.Name(), c.Status())
//
// Differences from docker-py, all deliberate: every call takes a context;
// kwargs are option structs; Attrs are the typed Engine API documents rather
// than dicts; image.Tag reloads the image so Tags shows the new tag; an
// attached Run returns output only when the engine serves container logs;
// Images.Build needs an engine with ImageBuild (ErrBuildUnsupported otherwise).
// Exec, logs and stats are not part of this layer yet.
package dockerpy
