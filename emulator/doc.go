// Package emulator is a Docker engine without containers: the objects, ids, name
// rules, error classes and texts, filters and events of dockerd, kept in a durable
// SQLite store so that separate processes opening the same file see one engine.
//
// It owns the engine core (containers, networks with IPAM, ports, volumes, images,
// events, a deterministic simulated runtime) and the store. The simulated registry
// is emulator/registry, the docker-py-style client emulator/dockerpy, the HTTP
// server emulator/api; scenarios shared by all implementations of API live in
// emulator/internal/conformance.
//
// Usage:
//
//	eng, err := emulator.Open(filepath.Join(dir, "engine.db")) // or ":memory:"
//	if err != nil { ... }
//	defer eng.Close()
//	rc, err := eng.ImagePull(ctx, "nginx", client.ImagePullOptions{})
//	if err == nil { err = rc.Wait(ctx) }
//	res, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Image: "nginx"})
//	_, err = eng.ContainerStart(ctx, res.ID, client.ContainerStartOptions{})
//
// Interchangeability: the methods have exactly the signatures of
// github.com/moby/moby/client.APIClient (API lists them; the tests assert that
// APIClient, *client.Client and *Engine all satisfy it). Errors are *Error values
// carrying dockerd's message and wrapping a github.com/containerd/errdefs class, so
// cerrdefs.IsNotFound, IsConflict, IsInvalidArgument, IsPermissionDenied (dockerd's
// 403) and IsInternal (500) answer as they do for moby's client. Calls dockerd
// answers with 304 (start a running container, stop a stopped one) return nil, as
// moby's client does; WithNotModifiedErrors makes them return an error satisfying
// cerrdefs.IsNotModified (for the HTTP server).
//
// Store: every call's changes commit atomically in a SQLite transaction (WAL,
// busy timeout, synchronous NORMAL: a killed process loses nothing it
// completed). Calls made concurrently in one process share a transaction (group
// commit, commit.go): whoever holds the engine next runs every waiting call, each
// on its own view, and commits them together; a call that fails is undone alone.
// Objects are rows keyed by id holding their JSON, with an indexed name and the
// state and compose project as plain columns for people reading the store;
// each write bumps a generation counter and stamps the rows it wrote with it, and
// deletions leave tombstones. Every process keeps a decoded cache (with name,
// address and label indexes) and, per call, only checks the generation and
// reloads rows newer than its own, so lists never decode rows. Events are rows
// with a sequence, bounded (WithEventHistory); streams and waits read past the
// last sequence they saw, polling (WithPollInterval) for other processes and
// waking at once on this process's commits.
//
// Time is an input: every timestamp comes from the clock (WithClock, a
// clockwork.Clock). Processes are simulated lazily (runtime.go): at start the
// command and the health probes are interpreted by emulator/shell and the
// resulting emulator/process Spec is stored with the container, so `sleep 5`
// exits 0 five seconds after start, `sh -c 'echo hi; exit 3'` prints and exits
// 3, a catalog server runs until stopped and is ready (health checks pass)
// after its start-up delay, and an unknown executable fails the start (exit
// 127). Health checks flip at their probe times, restart policies restart with
// dockerd's backoff (each restart re-runs the command: its output is logged
// again); every call first applies the transitions due by now, each stamped
// with the time it happened. With a fake clock everything is deterministic
// (determinism_test.go).
//
// Lifecycle (lifecycle*.go): ContainerStop and ContainerRestart send the stop
// signal; a process that exits on it dies at once (a server: 0; under `init:
// true`: 143), one that ignores it (a shell or `sleep` as PID 1) is killed
// after the timeout (the call's, else StopTimeout, else 10s; -1 never): kill
// 15, kill 9, die 137, stop, FinishedAt = stop time + timeout. The stop in
// progress is stored with the container, so every process sees it running
// until then, and the calls block on the engine clock (a test advances its
// fake clock: nothing sleeps in real time). A forced remove kills at once.
// Pause freezes the command's own time (a `sleep 5` paused 3s exits at 8s),
// its health probes and its CPU. Opening the store is not a daemon restart:
// processes go on as functions of the clock in every process.
//
// The runtime's surfaces: ContainerLogs (logs.go: the runs' lines, framing,
// since/until/tail/timestamps, follow), ExecCreate/Start/Inspect/Attach
// (exec.go; with AttachStdin what the client writes on the hijacked
// connection is the command's input, interpreted as one batch once the client
// closes its write side: exec_stdin.go), ExecResize/ContainerResize
// (exec_resize.go: dockerd's answers, no terminal kept), ContainerStats
// (stats.go), CopyToContainer/CopyFromContainer/ContainerStatPath (copy.go).
// Files (files.go): a writable layer per container holding only its changes
// (files_overlay.go), over its image's files (what a build recorded, or a
// pulled catalog image's small realistic tree from registry.Catalog.Files,
// shared by the image's containers), with volumes (kept with the volume, so
// they outlive containers), binds and tmpfs (emptied on stop) mounted over it.
// An empty volume gets a copy of the image's files under its mount point when
// the container's filesystem is first set up, unless nocopy
// (volume_populate.go).
// Reachability (resolver.go): names resolve only on a shared user-defined
// network; ServingHostPort answers who serves a published host port.
//
//	x, _ := eng.ExecCreate(ctx, "web", client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo hi > /data/f"}})
//	att, _ := eng.ExecAttach(ctx, x.ID, client.ExecAttachOptions{}) // multiplexed output
//	rc, _ := eng.ContainerLogs(ctx, "web", client.ContainerLogsOptions{ShowStdout: true, Timestamps: true})
//
// Fault injection (faults.go): rules kept in the store, so every process
// obeys them (AddFault, Faults, RemoveFault, ClearFaults), fail the next N
// calls of an operation of FaultOps (ContainerStart, ExecCreate, ExecStart and
// ExecAttach, ContainerLogs, ImagePull, ...; optionally only for a name, label
// or image) with an error class and message, delay them on the engine clock,
// crash a container, fail its health check or deny a pull. The hot calls
// check the rules inside their own transaction or view, against rules cached
// as of a store generation (faults_store.go), so a store without rules costs
// them nothing; a rule added by any process applies to the next call.
package emulator
