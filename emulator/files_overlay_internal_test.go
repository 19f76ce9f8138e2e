package emulator

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestLayerHoldsOnlyChanges: a started container's stored layer holds its own
// files (the root skeleton, /etc/hostname), not its image's (those are read
// through the overlay); a record from before the layer was a diff (LayerDiff
// false: a full copy) is read as it is, with no image files under it.
func TestLayerHoldsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	e, _ := fileEngine(t)
	rc, err := e.ImagePull(ctx, "busybox:1.36", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web",
		Config: &container.Config{Image: "busybox:1.36", Cmd: []string{"sleep", "60"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	err = e.update(ctx, func(tx *txn) error {
		rec := cloneContainer(tx.s.containers[c.ID])
		if !rec.LayerDiff {
			t.Error("a container started now has LayerDiff false")
		}
		if _, ok := rec.Layer["/etc/hostname"]; !ok {
			t.Error("layer lacks the container's /etc/hostname")
		}
		if _, ok := rec.Layer["/bin/sh"]; ok {
			t.Error("layer holds the image's /bin/sh: the image was copied into it")
		}
		if _, ok := tx.layerOf(rec).stat("/bin/sh"); !ok {
			t.Error("/bin/sh of the image is not visible through the overlay")
		}
		rec.LayerDiff = false // an old record: its layer is the whole filesystem
		if _, ok := tx.layerOf(rec).stat("/bin/sh"); ok {
			t.Error("an old full-copy layer without /bin/sh shows the image's /bin/sh")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
