package registry

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBaseImagesShareLayersAndHistory(t *testing.T) {
	c := Default()
	tests := []struct {
		ref, base string
	}{
		{"nginx:latest", "debian:bookworm-slim"},
		{"postgres:13", "debian:bookworm-slim"},
		{"nginx:alpine", "alpine:3.21"},
		{"python:3.9", "debian:bookworm"},
		{"python:3.9-slim", "debian:bookworm-slim"},
		{"mariadb:10.6", "ubuntu:focal"},
		{"prom/prometheus", "busybox:1.36"},
		{"postgres:12.22", "debian:bookworm-slim"}, // derived tag keeps the repository's base
		{"myapp:latest", "alpine:3.21"},            // synthetic images are FROM alpine
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			img, err := c.Lookup(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			base, err := c.Lookup(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			if len(img.Layers) <= len(base.Layers) || len(img.History) <= len(base.History) {
				t.Fatalf("%d layers / %d history for a base of %d / %d", len(img.Layers), len(img.History), len(base.Layers), len(base.History))
			}
			for i, l := range base.Layers {
				if img.Layers[i] != l {
					t.Errorf("layer %d %+v, base has %+v", i, img.Layers[i], l)
				}
			}
			for i, h := range base.History {
				if img.History[i] != h {
					t.Errorf("history %d %+v, base has %+v", i, img.History[i], h)
				}
			}
			var sum int64
			for _, l := range img.Layers {
				sum += l.Size
			}
			if sum != img.Size || img.Size <= base.Size {
				t.Errorf("size %d, layers sum %d, base %d", img.Size, sum, base.Size)
			}
		})
	}
	// The base's history is the base's, not the repository's own rootfs line.
	alp, _ := c.Lookup("nginx:alpine")
	if !strings.Contains(alp.History[0].CreatedBy, "alpine-minirootfs") {
		t.Errorf("nginx:alpine history starts with %q", alp.History[0].CreatedBy)
	}
}

func TestPullProgressSharedBaseAlreadyExists(t *testing.T) {
	c := Default()
	nginx, _ := c.Lookup("nginx")
	ref := mustRef(t, "redis:7")
	redis, _ := c.Resolve(ref)
	have := map[string]bool{}
	for _, l := range nginx.Layers {
		have[l.DiffID] = true
	}
	lines := decodeStream(t, PullProgressFrom(redis, ref, func(d string) bool { return have[d] }))
	if lines[1].Status != "Already exists" || lines[1].ID != shortDigest(redis.Layers[0].Digest) {
		t.Errorf("shared debian layer: %+v", lines[1])
	}
	if lines[2].Status != "Pulling fs layer" {
		t.Errorf("own layer: %+v", lines[2])
	}
}

func TestResolveBasesRejectsBadBases(t *testing.T) {
	const base = `{"name":"b","history":[{"created_by":"ADD"}],"variants":[{"tags":["1"],"created":"2025-01-01T00:00:00Z","size":100}]}`
	app := func(baseRef string, size int) string {
		return `{"repositories":[` + base + `,{"name":"a","base":"` + baseRef + `","history":[{"created_by":"COPY"}],"variants":[{"tags":["1"],"created":"2025-01-01T00:00:00Z","size":` + strconv.Itoa(size) + `}]}]}`
	}
	tests := []struct{ name, data, want string }{
		{"unknown base", app("b:2", 200), "registry catalog: a: variants[0]: base b:2 is not a catalog tag"},
		{"too small", app("b:1", 100), "registry catalog: a: variants[0]: size 100 is not larger than its base b:1 (100)"},
		{"bad ref", app("B", 200), "registry catalog: a: variants[0]: base: invalid reference format: repository name (library/B) must be lowercase"},
		{"cycle", `{"repositories":[{"name":"x","base":"y:1","history":[{"created_by":"A"}],"variants":[{"tags":["1"],"created":"2025-01-01T00:00:00Z","size":5}]},{"name":"y","base":"x:1","history":[{"created_by":"B"}],"variants":[{"tags":["1"],"created":"2025-01-01T00:00:00Z","size":5}]}]}`, "registry catalog: x: variants[0]: base chain longer than 4 (cycle?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load: %v\nwant %s", err, tt.want)
			}
			_, _, err = parseCatalogFS(fstest.MapFS{"c.json": {Data: []byte(tt.data)}})
			if err == nil || err.Error() != tt.want {
				t.Errorf("parseCatalogFS: %v", err)
			}
		})
	}
	c, err := Load([]byte(app("b:1", 250)))
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.Lookup("a:1")
	if err != nil || len(img.Layers) != 2 || img.Layers[1].Size != 150 {
		t.Errorf("a:1: %v %+v", err, img.Layers)
	}
}
