package emulator_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

func TestSystemCalls(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "60"}}})
	must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox"}))
	if p := must[client.PingResult](t)(e.Ping(ctx, client.PingOptions{})); p.APIVersion != emulator.APIVersion || p.OSType != "linux" {
		t.Errorf("ping %+v", p)
	}
	if v := must[client.ServerVersionResult](t)(e.ServerVersion(ctx, client.ServerVersionOptions{})); v.APIVersion != emulator.APIVersion || v.Os != "linux" {
		t.Errorf("version %+v", v)
	}
	info := must[client.SystemInfoResult](t)(e.Info(ctx, client.InfoOptions{})).Info
	if info.Containers != 2 || info.ContainersRunning != 1 || info.ContainersStopped != 1 || info.Images != 1 || info.OSType != "linux" {
		t.Errorf("info %d/%d/%d images %d", info.Containers, info.ContainersRunning, info.ContainersStopped, info.Images)
	}
	du := must[client.DiskUsageResult](t)(e.DiskUsage(ctx, client.DiskUsageOptions{Verbose: true}))
	if du.Containers.TotalCount != 2 || du.Containers.ActiveCount != 1 || du.Images.TotalCount != 1 || du.Volumes.TotalCount != 0 || len(du.Containers.Items) != 2 {
		t.Errorf("disk usage %+v", du)
	}
	l := must[client.ContainerListResult](t)(e.ContainerList(ctx, client.ContainerListOptions{}))
	top := must[client.ContainerTopResult](t)(e.ContainerTop(ctx, l.Items[0].ID, client.ContainerTopOptions{}))
	if len(top.Titles) != 8 || len(top.Processes) != 1 || top.Processes[0][7] != "sleep 60" {
		t.Errorf("top %+v", top)
	}
}

func TestSchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "engine.db")
	e, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := emulator.Open(path); !errors.Is(err, emulator.ErrSchemaTooNew) {
		t.Errorf("open of a newer store: %v", err)
	}
}

func TestEventHistoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "engine.db")
	e, err := emulator.Open(path, emulator.WithEventHistory(50), emulator.WithClock(clockwork.NewFakeClockAt(epoch)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "v" + strconv.Itoa(i)}))
	}
	got := history(t, e, epoch, nil)
	if len(got) < 50 || len(got) > 50+64 {
		t.Errorf("%d events kept, limit 50", len(got))
	}
	if last := got[len(got)-1].Actor.ID; last != "v299" {
		t.Errorf("newest event %s", last)
	}
}

func TestNetworkConnectRunning(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "app", Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "600"}}})
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "extra", client.NetworkCreateOptions{}))
	must[client.NetworkConnectResult](t)(e.NetworkConnect(ctx, "extra", client.NetworkConnectOptions{Container: "app"}))
	ep := inspect(t, e, id).NetworkSettings.Networks["extra"]
	if ep == nil || ep.IPAddress.String() != "172.18.0.2" {
		t.Fatalf("endpoint on extra %+v", ep)
	}
	if _, err := e.NetworkRemove(ctx, "extra", client.NetworkRemoveOptions{}); err == nil {
		t.Error("removed a network with an active endpoint")
	}
	must[client.NetworkDisconnectResult](t)(e.NetworkDisconnect(ctx, "extra", client.NetworkDisconnectOptions{Container: "app"}))
	if _, ok := inspect(t, e, id).NetworkSettings.Networks["extra"]; ok {
		t.Error("still connected")
	}
	must[client.NetworkRemoveResult](t)(e.NetworkRemove(ctx, "extra", client.NetworkRemoveOptions{}))
	evs := history(t, e, clk.Now(), client.Filters{}.Add("type", "network"))
	if got := actions(evs); !equal(got, []string{"network connect", "network create", "network connect", "network disconnect", "network destroy"}) {
		t.Errorf("network events %v", got)
	}
}
