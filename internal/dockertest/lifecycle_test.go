package dockertest_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// create makes a labelled busybox container running cmd and records the call.
func (e *env) create(ctx context.Context, name string, hc *container.HostConfig, labels map[string]string, cmd ...string) string {
	if labels == nil {
		labels = e.labels()
	}
	res, err := e.api.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:       e.name(name),
		Config:     &container.Config{Image: dockertest.Image, Cmd: cmd, Labels: labels},
		HostConfig: hc,
	})
	e.rec.add("create "+name, nil, err)
	if err == nil {
		e.rec.known(res.ID, name)
	}
	return res.ID
}

// state records the parts of State that two engines must agree on.
func (e *env) state(ctx context.Context, step, ref string) {
	res, err := e.api.ContainerInspect(ctx, ref, client.ContainerInspectOptions{})
	if err != nil {
		e.rec.add(step, nil, err)
		return
	}
	s := res.Container.State
	e.rec.add(step, map[string]any{
		"Status": s.Status, "Running": s.Running, "Paused": s.Paused, "Dead": s.Dead,
		"ExitCode": s.ExitCode, "HasPid": s.Pid != 0, "Error": s.Error,
		"Started": s.StartedAt != "0001-01-01T00:00:00Z", "Finished": s.FinishedAt != "0001-01-01T00:00:00Z",
	}, nil)
}

// wait records the exit status a wait condition reports.
func (e *env) wait(ctx context.Context, step, ref string, cond container.WaitCondition) {
	w := e.api.ContainerWait(ctx, ref, client.ContainerWaitOptions{Condition: cond})
	select {
	case r := <-w.Result:
		e.rec.add(step, r, nil)
	case err := <-w.Error:
		e.rec.add(step, nil, err)
	case <-ctx.Done():
		e.rec.add(step, nil, ctx.Err())
	}
}

func TestDiffLifecycle(t *testing.T) {
	zero := 0
	runDiff(t, scenario{"lifecycle", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		exit3 := e.create(ctx, "exit3", nil, nil, "sh", "-c", "exit 3")
		e.state(ctx, "exit3 created", exit3)
		_, err := api.ContainerStart(ctx, exit3, client.ContainerStartOptions{})
		e.rec.add("start exit3", nil, err)
		e.wait(ctx, "wait exit3", exit3, container.WaitConditionNotRunning)
		e.state(ctx, "exit3 exited", exit3)
		_, err = api.ContainerStop(ctx, exit3, client.ContainerStopOptions{})
		e.rec.add("stop exited (304)", nil, err)
		_, err = api.ContainerKill(ctx, exit3, client.ContainerKillOptions{})
		e.rec.add("kill exited", nil, err)

		sleep1 := e.create(ctx, "sleep1", nil, nil, "sleep", "1")
		_, err = api.ContainerStart(ctx, sleep1, client.ContainerStartOptions{})
		e.rec.add("start sleep1", nil, err)
		e.wait(ctx, "wait sleep1", sleep1, container.WaitConditionNotRunning)
		e.state(ctx, "sleep1 exited", sleep1)

		long := e.create(ctx, "long", nil, nil, "sleep", "600")
		_, err = api.ContainerStart(ctx, long, client.ContainerStartOptions{})
		e.rec.add("start long", nil, err)
		e.state(ctx, "long running", long)
		_, err = api.ContainerStart(ctx, long, client.ContainerStartOptions{})
		e.rec.add("start running (304)", nil, err)
		_, err = api.ContainerRemove(ctx, long, client.ContainerRemoveOptions{})
		e.rec.add("remove running", nil, err)
		_, err = api.ContainerKill(ctx, long, client.ContainerKillOptions{Signal: "FOO"})
		e.rec.add("kill bad signal", nil, err)
		_, err = api.ContainerStop(ctx, long, client.ContainerStopOptions{Timeout: &zero})
		e.rec.add("stop -t 0", nil, err)
		e.state(ctx, "long stopped", long)

		killed := e.create(ctx, "killed", nil, nil, "sleep", "600")
		_, err = api.ContainerStart(ctx, killed, client.ContainerStartOptions{})
		e.rec.add("start killed", nil, err)
		_, err = api.ContainerKill(ctx, killed, client.ContainerKillOptions{})
		e.rec.add("kill", nil, err)
		e.wait(ctx, "wait killed", killed, container.WaitConditionNotRunning)
		e.state(ctx, "killed exited", killed)

		_, err = api.ContainerRemove(ctx, killed, client.ContainerRemoveOptions{})
		e.rec.add("remove exited", nil, err)
		e.state(ctx, "inspect removed", killed)
		_, err = api.ContainerRemove(ctx, killed, client.ContainerRemoveOptions{})
		e.rec.add("remove removed", nil, err)
		_, err = api.ContainerRemove(ctx, long, client.ContainerRemoveOptions{Force: true})
		e.rec.add("remove -f", nil, err)
	}})
}

func TestDiffNames(t *testing.T) {
	runDiff(t, scenario{"names", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		web := e.create(ctx, "web", nil, nil, "true")
		e.create(ctx, "web", nil, nil, "true")
		e.create(ctx, "bad name", nil, nil, "true")
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "-" + e.id, Config: &container.Config{Image: dockertest.Image, Cmd: []string{"true"}}})
		e.rec.add("create -name", nil, err)
		_, err = api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: e.name("x"), Config: &container.Config{Image: e.id + "-nope:1", Cmd: []string{"true"}}})
		e.rec.add("create missing image", nil, err)
		db := e.create(ctx, "db", nil, nil, "true")
		_, err = api.ContainerRename(ctx, db, client.ContainerRenameOptions{NewName: e.name("web")})
		e.rec.add("rename to taken", nil, err)
		_, err = api.ContainerRename(ctx, db, client.ContainerRenameOptions{NewName: e.name("db")})
		e.rec.add("rename to same", nil, err)
		_, err = api.ContainerRename(ctx, db, client.ContainerRenameOptions{NewName: "bad name"})
		e.rec.add("rename invalid", nil, err)
		_, err = api.ContainerRename(ctx, db, client.ContainerRenameOptions{NewName: e.name("db2")})
		e.rec.add("rename", nil, err)
		res, err := api.ContainerInspect(ctx, web[:12], client.ContainerInspectOptions{})
		e.rec.add("inspect by short id", res.Container.Name, err)
		res, err = api.ContainerInspect(ctx, db, client.ContainerInspectOptions{})
		e.rec.add("inspect renamed", res.Container.Name, err)
		_, err = api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: e.name("nocmd"), Image: dockertest.Image})
		e.rec.add("create without a command", nil, err)
	}})
}
