package registry

import (
	"bufio"
	"bytes"
	"encoding/json"
	"github.com/moby/moby/api/types/jsonstream"
	"strings"
	"testing"
)

type line struct {
	Status         string          `json:"status"`
	ID             string          `json:"id"`
	Progress       string          `json:"progress"`
	ProgressDetail *map[string]any `json:"progressDetail"`
}

func decodeStream(t *testing.T, b []byte) []line {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("stream does not end with CRLF")
	}
	var out []line
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		raw := strings.TrimSuffix(sc.Text(), "\r")
		var l line
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("line %q: %v", raw, err)
		}
		out = append(out, l)
	}
	return out
}

func TestPullProgress(t *testing.T) {
	c := Default()
	tests := []struct {
		ref, from, final string
	}{
		{"nginx", `{"status":"Pulling from library/nginx","id":"latest"}`, "Status: Downloaded newer image for nginx:latest"},
		{"prom/prometheus:v3.2.1", `{"status":"Pulling from prom/prometheus","id":"v3.2.1"}`, "Status: Downloaded newer image for prom/prometheus:v3.2.1"},
		{"localhost:5000/x", `{"status":"Pulling from x","id":"latest"}`, "Status: Downloaded newer image for localhost:5000/x:latest"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref := mustRef(t, tt.ref)
			img, err := c.Resolve(ref)
			if err != nil {
				t.Fatal(err)
			}
			raw := PullProgress(img, ref)
			if first, _, _ := bytes.Cut(raw, []byte("\r\n")); string(first) != tt.from {
				t.Errorf("first line %s, want %s", first, tt.from)
			}
			lines := decodeStream(t, raw)
			if got := lines[len(lines)-1].Status; got != tt.final {
				t.Errorf("last status %q", got)
			}
			if got := lines[len(lines)-2].Status; got != "Digest: "+img.ManifestDigest {
				t.Errorf("digest line %q", got)
			}
			// Every layer goes through the phases in order.
			for _, l := range img.Layers {
				id := shortDigest(l.Digest)
				var phases []string
				for _, ln := range lines {
					if ln.ID == id && (len(phases) == 0 || phases[len(phases)-1] != ln.Status) {
						phases = append(phases, ln.Status)
					}
				}
				want := []string{"Pulling fs layer", "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pull complete"}
				if len(phases) == len(want)+1 {
					want = append(want[:1], append([]string{"Waiting"}, want[1:]...)...)
				}
				if strings.Join(phases, ",") != strings.Join(want, ",") {
					t.Errorf("layer %s phases %v", id, phases)
				}
			}
			if !bytes.Equal(raw, PullProgress(img, ref)) {
				t.Errorf("stream not deterministic")
			}
		})
	}
}

func TestPullProgressWaitingAndExisting(t *testing.T) {
	ref := mustRef(t, "postgres:13")
	img, _ := Default().Resolve(ref)
	if len(img.Layers) <= maxConcurrentDownloads {
		t.Fatalf("postgres has %d layers; test needs more than %d", len(img.Layers), maxConcurrentDownloads)
	}
	lines := decodeStream(t, PullProgress(img, ref))
	waiting := 0
	for _, l := range lines {
		if l.Status == "Waiting" {
			waiting++
		}
	}
	if waiting != len(img.Layers)-maxConcurrentDownloads {
		t.Errorf("%d Waiting lines for %d layers", waiting, len(img.Layers))
	}
	base := img.Layers[0].DiffID
	lines = decodeStream(t, PullProgressFrom(img, ref, func(d string) bool { return d == base }))
	if lines[1].Status != "Already exists" || lines[1].ID != shortDigest(img.Layers[0].Digest) {
		t.Errorf("line 1 %+v", lines[1])
	}
	for _, l := range lines {
		if l.ID == lines[1].ID && l.Status != "Already exists" {
			t.Errorf("existing layer has %q", l.Status)
		}
	}
}

func TestPullProgressUpToDateAndDigest(t *testing.T) {
	c := Default()
	ref := mustRef(t, "alpine:3.21")
	img, _ := c.Resolve(ref)
	got := string(PullProgressUpToDate(img, ref))
	want := `{"status":"Pulling from library/alpine","id":"3.21"}` + "\r\n" +
		`{"status":"Digest: ` + img.ManifestDigest + `"}` + "\r\n" +
		`{"status":"Status: Image is up to date for alpine:3.21"}` + "\r\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	dref := mustRef(t, "alpine@"+img.ManifestDigest)
	dimg, _ := c.Resolve(dref)
	lines := decodeStream(t, PullProgress(dimg, dref))
	if lines[0].ID != img.ManifestDigest || lines[len(lines)-1].Status != "Status: Downloaded newer image for alpine@"+img.ManifestDigest {
		t.Errorf("digest pull first %+v last %+v", lines[0], lines[len(lines)-1])
	}
}

func TestProgressBar(t *testing.T) {
	tests := []struct {
		cur, total int64
		want       string
	}{
		{100, 100, "[==================================================>]     100B/100B"},
		{0, 1000, "[>                                                  ]       0B/1kB"},
		{29_130_000, 29_130_000, "[==================================================>]  29.13MB/29.13MB"},
		{14_565_000, 29_130_000, "[=========================>                         ]  14.56MB/29.13MB"},
	}
	for _, tt := range tests {
		p := progressBar(&jsonstream.Progress{Current: tt.cur, Total: tt.total})
		if p != tt.want {
			t.Errorf("progressBar(%d/%d) = %q, want %q", tt.cur, tt.total, p, tt.want)
		}
	}
}

func TestPullErrorMessage(t *testing.T) {
	got := string(PullErrorMessage(&PullAccessDeniedError{Repository: "x"}))
	want := `{"errorDetail":{"message":"pull access denied for x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},"error":"pull access denied for x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"}` + "\r\n"
	if got != want {
		t.Errorf("got %s", got)
	}
}
