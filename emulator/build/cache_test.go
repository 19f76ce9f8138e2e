package build

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

var cacheFiles = map[string]string{
	"Dockerfile":    "FROM alpine\nENV A=1\nRUN echo prep > /prep\nCOPY app.txt /app/\nRUN cat /app/app.txt > /copy\nCMD [\"app\"]\n",
	"app.txt":       "v1\n",
	"notes.md":      "not copied\n",
	".dockerignore": "*.log\n",
	"debug.log":     "ignored\n",
}

func withFile(name, content string) map[string]string {
	out := map[string]string{}
	for k, v := range cacheFiles {
		out[k] = v
	}
	out[name] = content
	return out
}

// stepIDs lists the " ---> <id>" lines of a stream, in order.
func stepIDs(t *testing.T, stream []byte) []string {
	re := regexp.MustCompile(`^ ---> ([0-9a-f]{12})\n$`)
	var out []string
	for _, m := range messages(t, stream) {
		if s := re.FindStringSubmatch(m.Stream); s != nil {
			out = append(out, s[1])
		}
	}
	return out
}

func TestDeterminism(t *testing.T) {
	first := mustBuild(t, cacheFiles, Options{Tags: []string{"app"}})
	again := mustBuild(t, cacheFiles, Options{Tags: []string{"app"}})
	if first.Image.ID != again.Image.ID || !bytes.Equal(first.Stream, again.Stream) || !reflect.DeepEqual(first.Files, again.Files) {
		t.Fatalf("two identical builds differ: %s vs %s", first.Image.ID, again.Image.ID)
	}
	later := mustBuild(t, cacheFiles, Options{Tags: []string{"app"}, Created: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	if later.Image.ID != first.Image.ID {
		t.Errorf("the build time changed the image id")
	}
	if !later.Image.Created.Equal(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Created = %v, want the option's time", later.Image.Created)
	}
	tests := []struct {
		name      string
		files     map[string]string
		same      bool
		sameSteps int // leading step ids that stay the same (FROM, ENV, RUN, then COPY)
	}{
		{"copied file changed", withFile("app.txt", "v2\n"), false, 3},
		{"uncopied file changed", withFile("notes.md", "other\n"), true, 6},
		{"ignored file changed", withFile("debug.log", "other\n"), true, 6},
		{"new ignored file", withFile("trace.log", "x"), true, 6},
		{"instruction changed", withFile("Dockerfile", strings.Replace(cacheFiles["Dockerfile"], "A=1", "A=2", 1)), false, 1},
	}
	base := stepIDs(t, first.Stream)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustBuild(t, tt.files, Options{Tags: []string{"app"}})
			if (res.Image.ID == first.Image.ID) != tt.same {
				t.Errorf("image id %s vs %s, same=%v wanted", res.Image.ID, first.Image.ID, tt.same)
			}
			ids := stepIDs(t, res.Stream)
			for i := range base {
				if want := i < tt.sameSteps; (ids[i] == base[i]) != want {
					t.Errorf("step %d id %s vs %s, same=%v wanted", i+1, ids[i], base[i], want)
				}
			}
		})
	}
}

func TestCache(t *testing.T) {
	first := mustBuild(t, cacheFiles, Options{})
	held := map[string]bool{}
	for _, id := range first.Steps {
		held[id] = true
	}
	if len(first.Steps) != 5 || first.Steps[4] != first.Image.ID {
		t.Fatalf("Steps = %v, want the 5 step ids ending with the image", first.Steps)
	}
	cached := func(id string) bool { return held[id] }
	tests := []struct {
		name      string
		files     map[string]string
		opts      Options
		hits      int
		running   int
		sameImage bool
	}{
		{"rebuild hits every step", cacheFiles, Options{Cached: cached}, 5, 0, true},
		{"no-cache reruns", cacheFiles, Options{Cached: cached, NoCache: true}, 0, 4, true},
		{"changed copy reruns from there", withFile("app.txt", "v2\n"), Options{Cached: cached}, 2, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustBuild(t, tt.files, tt.opts)
			text := texts(messages(t, res.Stream))
			if n := strings.Count(text, " ---> Using cache\n"); n != tt.hits {
				t.Errorf("%d cache hits, want %d:\n%s", n, tt.hits, text)
			}
			if n := strings.Count(text, " ---> Running in "); n != tt.running {
				t.Errorf("%d containers run, want %d:\n%s", n, tt.running, text)
			}
			if (res.Image.ID == first.Image.ID) != tt.sameImage {
				t.Errorf("image id %s vs %s", res.Image.ID, first.Image.ID)
			}
			if reflect.DeepEqual(res.Files, first.Files) != tt.sameImage {
				t.Errorf("files equal to the first build: %v, want %v", !tt.sameImage, tt.sameImage)
			}
		})
	}
}

func TestQuietAndKeepContainers(t *testing.T) {
	files := map[string]string{"Dockerfile": "FROM alpine\nRUN echo hi\n"}
	quiet := mustBuild(t, files, Options{Quiet: true, Tags: []string{"q"}})
	ms := messages(t, quiet.Stream)
	if len(ms) != 2 || ms[0].Aux == nil || ms[1].Stream != quiet.Image.ID+"\n" {
		t.Errorf("quiet stream:\n%s", quiet.Stream)
	}
	keep := mustBuild(t, files, Options{KeepContainers: true})
	if strings.Contains(string(keep.Stream), "Removing intermediate container") || keep.Image.ID != quiet.Image.ID {
		t.Errorf("rm=0 stream:\n%s", keep.Stream)
	}
}
