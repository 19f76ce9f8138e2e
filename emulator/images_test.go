package emulator_test

import (
	"context"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/registry"
)

func TestImages(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	rc := must[client.ImagePullResponse](t)(e.ImagePull(ctx, "busybox", client.ImagePullOptions{}))
	var statuses []string
	for m, err := range rc.JSONMessages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, m.Status)
	}
	if len(statuses) < 2 || statuses[0] != "Pulling from library/busybox" || statuses[len(statuses)-1] != "Status: Downloaded newer image for busybox:latest" {
		t.Errorf("progress %q", statuses)
	}
	im := must[client.ImageInspectResult](t)(e.ImageInspect(ctx, "docker.io/library/busybox:latest"))
	if !hex64.MatchString(im.ID[7:]) || len(im.RepoTags) != 1 || im.RepoTags[0] != "busybox:latest" || len(im.RepoDigests) != 1 {
		t.Errorf("inspect %+v", im.InspectResponse)
	}
	for _, ref := range []string{"busybox", "busybox:latest", im.ID, im.ID[7:19], im.RepoDigests[0]} {
		if got, err := e.ImageInspect(ctx, ref); err != nil || got.ID != im.ID {
			t.Errorf("lookup %q: %v", ref, err)
		}
	}
	// same reference again: same image, "up to date"
	rc = must[client.ImagePullResponse](t)(e.ImagePull(ctx, "busybox:latest", client.ImagePullOptions{}))
	var last string
	for m := range rc.JSONMessages(ctx) {
		last = m.Status
	}
	if last != "Status: Image is up to date for busybox:latest" {
		t.Errorf("second pull %q", last)
	}
	// tag, then move the tag: the old image is left dangling
	must[client.ImageTagResult](t)(e.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: "myapp:1"}))
	pull(t, e, "alpine")
	must[client.ImageTagResult](t)(e.ImageTag(ctx, client.ImageTagOptions{Source: "alpine", Target: "busybox"}))
	old := must[client.ImageInspectResult](t)(e.ImageInspect(ctx, im.ID))
	if len(old.RepoTags) != 1 || old.RepoTags[0] != "myapp:1" {
		t.Errorf("tags after moving busybox: %v", old.RepoTags)
	}
	must[client.ImageRemoveResult](t)(e.ImageRemove(ctx, "myapp:1", client.ImageRemoveOptions{}))
	dangling := must[client.ImageListResult](t)(e.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("dangling", "true")}))
	// the old image keeps its digest reference, so removing its last tag only
	// untags it: it stays, listed as dangling (no tags)
	if len(dangling.Items) != 1 || dangling.Items[0].ID != im.ID || len(dangling.Items[0].RepoTags) != 0 {
		t.Errorf("dangling after removing last tag: %+v", dangling.Items)
	}
	rm := must[client.ImageRemoveResult](t)(e.ImageRemove(ctx, im.ID, client.ImageRemoveOptions{}))
	if n := len(rm.Items); n != 2 || rm.Items[0].Untagged != im.RepoDigests[0] || rm.Items[1].Deleted != im.ID {
		t.Errorf("remove by id %+v", rm.Items)
	}
	if _, err := e.ImageInspect(ctx, im.ID); !cerrdefs.IsNotFound(err) {
		t.Errorf("deleted image still there: %v", err)
	}
	hist := must[client.ImageHistoryResult](t)(e.ImageHistory(ctx, "alpine"))
	if len(hist.Items) < 2 || hist.Items[0].ID[:7] != "sha256:" || hist.Items[1].ID != "<missing>" {
		t.Errorf("history %+v", hist.Items)
	}
}

func TestImageRemoveInUse(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "nginx")
	id := run(t, e, client.ContainerCreateOptions{Image: "nginx"})
	img := inspect(t, e, id).Image
	// forced removal of a tag used by a running container only untags
	res := must[client.ImageRemoveResult](t)(e.ImageRemove(ctx, "nginx", client.ImageRemoveOptions{Force: true}))
	if len(res.Items) < 1 || res.Items[0].Untagged != "nginx:latest" {
		t.Errorf("forced remove %+v", res.Items)
	}
	for _, it := range res.Items {
		if it.Deleted != "" {
			t.Errorf("image deleted while a running container uses it: %+v", res.Items)
		}
	}
	if _, err := e.ImageInspect(ctx, img); err != nil {
		t.Errorf("image gone: %v", err)
	}
	_, err := e.ImageRemove(ctx, img, client.ImageRemoveOptions{Force: true})
	if !cerrdefs.IsConflict(err) {
		t.Errorf("delete by id under a running container: %v", err)
	}
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}))
	pr := must[client.ImagePruneResult](t)(e.ImagePrune(ctx, client.ImagePruneOptions{}))
	if len(pr.Report.ImagesDeleted) != 1 || pr.Report.ImagesDeleted[0].Deleted != img || pr.Report.SpaceReclaimed == 0 {
		t.Errorf("prune %+v", pr.Report)
	}
}

func TestImagePruneDangling(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	pull(t, e, "alpine")
	// dangling=true (default) keeps tagged images
	pr := must[client.ImagePruneResult](t)(e.ImagePrune(ctx, client.ImagePruneOptions{}))
	if len(pr.Report.ImagesDeleted) != 0 {
		t.Errorf("default prune removed tagged images: %+v", pr.Report)
	}
	run(t, e, client.ContainerCreateOptions{Image: "alpine", Config: &container.Config{Cmd: []string{"sleep", "9"}}})
	pr = must[client.ImagePruneResult](t)(e.ImagePrune(ctx, client.ImagePruneOptions{Filters: client.Filters{}.Add("dangling", "false")}))
	want := []image.DeleteResponse{{Untagged: "busybox:latest"}}
	if len(pr.Report.ImagesDeleted) < 2 || pr.Report.ImagesDeleted[0] != want[0] || pr.Report.ImagesDeleted[len(pr.Report.ImagesDeleted)-1].Deleted == "" {
		t.Errorf("dangling=false prune %+v", pr.Report.ImagesDeleted)
	}
	left := must[client.ImageListResult](t)(e.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("reference", "alp*")}))
	if len(left.Items) != 1 || left.Items[0].RepoTags[0] != "alpine:latest" {
		t.Errorf("left %+v", left.Items)
	}
}

func TestPullDenied(t *testing.T) {
	cat := registry.Default()
	if err := cat.Deny("acme/private"); err != nil {
		t.Fatal(err)
	}
	e, err := emulator.Open(":memory:", emulator.WithCatalog(cat))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	before := snapshot(t, e)
	if _, err := e.ImagePull(ctx, "acme/private:1", client.ImagePullOptions{}); !cerrdefs.IsNotFound(err) ||
		!strings.HasPrefix(err.Error(), "pull access denied for acme/private") {
		t.Errorf("denied pull: %v", err)
	}
	if _, err := e.ImagePull(ctx, "Bad:Ref", client.ImagePullOptions{}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("bad reference: %v", err)
	}
	if snapshot(t, e) != before {
		t.Error("failed pulls changed the engine")
	}
	// any other well-formed reference pulls a deterministic synthetic image
	pull(t, e, "acme/public:2")
	a := must[client.ImageInspectResult](t)(e.ImageInspect(ctx, "acme/public:2"))
	e2, _ := newEngine(t)
	pull(t, e2, "acme/public:2")
	if b := must[client.ImageInspectResult](t)(e2.ImageInspect(ctx, "acme/public:2")); a.ID != b.ID {
		t.Errorf("synthetic ids differ: %s %s", a.ID, b.ID)
	}
}

func TestRemoveOneOfSeveralTagsInUse(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	must[client.ImageTagResult](t)(e.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: "mine:1"}))
	run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "60"}}})
	// another tag remains, so dockerd only untags
	res, err := e.ImageRemove(ctx, "mine:1", client.ImageRemoveOptions{})
	if err != nil || len(res.Items) != 1 || res.Items[0].Untagged != "mine:1" {
		t.Fatalf("remove one of two tags: %+v %v", res.Items, err)
	}
	// the last tag of an image in use is a conflict
	if _, err := e.ImageRemove(ctx, "busybox", client.ImageRemoveOptions{}); !cerrdefs.IsConflict(err) {
		t.Errorf("remove last tag in use: %v", err)
	}
}
