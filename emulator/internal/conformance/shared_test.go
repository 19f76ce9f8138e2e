package conformance_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

// TestBadInputSharedOnOneEngine runs the shared-engine mode (the real dockerd's)
// on one emulator that also holds another test's objects: every case passes on
// the reused fixture, and when the run ends its objects are gone and the other
// test's are as they were.
func TestBadInputSharedOnOneEngine(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	other := conformance.Fixture{Prefix: "other-"}
	conformance.Pull(t, e, "busybox") // the shared images, which a run never removes
	conformance.Pull(t, e, "nginx")
	conformance.Run(t, e, client.ContainerCreateOptions{Name: other.Name("web"), Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "600"}, Labels: other.Labels()}})
	if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: other.Name("vol")}); err != nil {
		t.Fatal(err)
	}
	otherBefore := state(t, e, other)
	var prefix string
	t.Run("suite", func(t *testing.T) {
		conformance.RunBadInputShared(t, e, nil)
		l, err := e.ContainerList(ctx, client.ContainerListOptions{All: true,
			Filters: make(client.Filters).Add("label", conformance.LabelKey)})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range l.Items {
			if v := c.Labels[conformance.LabelKey]; v != other.Prefix {
				prefix = v
			}
		}
		if prefix == "" {
			t.Fatal("no container of the run found while it runs")
		}
	})
	if got, none := state(t, e, conformance.Fixture{Prefix: prefix}), state(t, e, conformance.Fixture{Prefix: "none-"}); got != none {
		t.Errorf("the run's objects remain after it ended:\n%s", got)
	}
	if got := state(t, e, other); got != otherBefore {
		t.Errorf("the run changed another test's objects:\nbefore %s\nafter  %s", otherBefore, got)
	}
}
