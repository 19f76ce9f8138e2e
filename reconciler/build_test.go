package reconciler

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// buildingFake adds ImageBuild to the fake engine.
type buildingFake struct {
	*fakeEngine
	files  []string
	opts   client.ImageBuildOptions
	output string
}

func (b *buildingFake) ImageBuild(ctx context.Context, r io.Reader, o client.ImageBuildOptions) (client.ImageBuildResult, error) {
	b.opts = o
	if len(o.Tags) > 0 {
		if err := b.write(ctx, "ImageBuild", o.Tags[0]); err != nil { // logged, so ImageInspect knows the image
			return client.ImageBuildResult{}, err
		}
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return client.ImageBuildResult{}, err
		}
		b.files = append(b.files, h.Name)
	}
	return client.ImageBuildResult{Body: io.NopCloser(strings.NewReader(b.output))}, nil
}

func buildAction(dir string) planner.Action {
	return planner.Action{Type: planner.BuildImage, Kind: planner.KindImage, Resource: "demo-app",
		ImageDef: &spec.Image{Ref: "demo-app", Build: &spec.Build{Context: dir, Dockerfile: filepath.Join(dir, "Dockerfile"), Target: "prod", Tags: []string{"app:1"}}}}
}

func TestExecuteBuild(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine\n"), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "src", "main.go"), []byte("package main\n"), 0o644))

	b := &buildingFake{fakeEngine: newFake(), output: `{"stream":"Step 1/1 : FROM alpine\n"}` + "\n" + `{"aux":{"ID":"sha256:x"}}` + "\n"}
	var progress []string
	_, err := Execute(t.Context(), b, planOf(buildAction(dir)), ExecOptions{OnEvent: func(e Event) {
		if e.Status == EventProgress {
			progress = append(progress, e.Text)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(b.files)
	if want := []string{"Dockerfile", "src/", "src/main.go"}; !reflect.DeepEqual(b.files, want) {
		t.Errorf("context = %v, want %v", b.files, want)
	}
	if b.opts.Dockerfile != "Dockerfile" || b.opts.Target != "prod" || !reflect.DeepEqual(b.opts.Tags, []string{"demo-app", "app:1"}) {
		t.Errorf("options = %+v", b.opts)
	}
	if len(progress) != 1 || progress[0] != "Step 1/1 : FROM alpine" {
		t.Errorf("progress = %q", progress)
	}

	b.output = `{"errorDetail":{"message":"RUN failed: exit 1"}}` + "\n"
	if _, err := Execute(t.Context(), b, planOf(buildAction(dir)), ExecOptions{}); !errors.Is(err, ErrBuildFailed) ||
		!strings.Contains(err.Error(), "build image demo-app: build failed: RUN failed: exit 1") {
		t.Errorf("failed build: %v", err)
	}
	// An engine without ImageBuild cannot build.
	if _, err := Execute(t.Context(), newFake(), planOf(buildAction(dir)), ExecOptions{}); !errors.Is(err, ErrUnsupportedAction) {
		t.Errorf("no builder: %v", err)
	}
}
