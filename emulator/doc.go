// Package emulator is a Docker engine without containers: the objects, ids, name
// rules, error classes and texts, filters and events of dockerd, kept in a durable
// SQLite store so that separate processes opening the same file see one engine.
//
// It owns the engine core (containers, networks with IPAM, volumes, images, events)
// and the store. The simulated registry is emulator/registry, the docker-py-style
// client emulator/dockerpy, the HTTP server emulator/api.
//
// Usage:
//
//	eng, err := emulator.Open(filepath.Join(dir, "engine.db")) // or ":memory:"
//	if err != nil { ... }
//	defer eng.Close()
//	rc, _ := eng.ImagePull(ctx, "nginx", client.ImagePullOptions{})
//	_ = rc.Wait(ctx)
//	res, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Image: "nginx"})
//	_, err = eng.ContainerStart(ctx, res.ID, client.ContainerStartOptions{})
//
// The methods have exactly the signatures of github.com/moby/moby/client.APIClient
// (the API interface lists them), so *Engine and a moby *client.Client are
// interchangeable, and errors satisfy the same github.com/containerd/errdefs checks.
// One difference is deliberate and documented on WithNotModifiedErrors: calls
// dockerd answers with 304 return nil, as moby's client does.
//
// Store: every call is one SQLite transaction (WAL, busy timeout). Objects are rows
// keyed by id holding their JSON; each write bumps a generation counter and stamps
// the rows it wrote with it, so every process keeps a decoded cache and, per call,
// only checks the generation and reloads rows newer than its own. Events are rows
// with a sequence; streams and waits poll it (and wake at once on local commits).
// Time comes from an injectable clockwork.Clock.
package emulator
