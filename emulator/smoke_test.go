package emulator_test

import (
	"context"
	"testing"

	"github.com/moby/moby/client"
)

func TestSmoke(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "nginx")
	id := run(t, e, client.ContainerCreateOptions{Name: "web", Image: "nginx"})
	c := inspect(t, e, "web")
	if c.ID != id || !c.State.Running {
		t.Fatalf("got %+v", c.State)
	}
	t.Logf("%s %s %v", c.NetworkSettings.Networks["bridge"].IPAddress, c.NetworkSettings.Networks["bridge"].MacAddress, c.Config.Cmd)
	l, err := e.ContainerList(ctx, client.ContainerListOptions{})
	if err != nil || len(l.Items) != 1 {
		t.Fatal(err, l)
	}
	t.Logf("%+v", l.Items[0])
}
