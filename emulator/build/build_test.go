package build

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStreamShape(t *testing.T) {
	res := mustBuild(t, map[string]string{
		"Dockerfile": "FROM alpine\nRUN echo building && echo warn >&2\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n",
		"app.py":     "print(1)\n",
	}, Options{Tags: []string{"web", "reg.example:5000/team/web:1"}})
	ms := messages(t, res.Stream)
	base, _ := newResolver().c.Lookup("alpine")
	id := res.Image.ID
	want := []string{
		"Step 1/4 : FROM alpine", "\n", " ---> " + short(base.ID) + "\n",
		"Step 2/4 : RUN echo building && echo warn >&2", "\n", "RUNNING", "building\n", "\033[91mwarn\n\033[0m", "REMOVING", "ID",
		"Step 3/4 : COPY app.py /app/", "\n", "ID",
		"Step 4/4 : CMD [\"python\", \"/app/app.py\"]", "\n", "RUNNING", "REMOVING", " ---> " + short(id) + "\n",
		"", // aux
		"Successfully built " + short(id) + "\n",
		"Successfully tagged web:latest\n",
		"Successfully tagged reg.example:5000/team/web:1\n",
	}
	if len(ms) != len(want) {
		t.Fatalf("%d messages, want %d:\n%s", len(ms), len(want), res.Stream)
	}
	for i, w := range want {
		got := ms[i].Stream
		switch w {
		case "RUNNING":
			if !strings.HasPrefix(got, " ---> Running in ") || len(got) != len(" ---> Running in ")+13 {
				t.Errorf("message %d = %q, want a Running in line", i, got)
			}
		case "REMOVING":
			if !strings.HasPrefix(got, "Removing intermediate container ") || got[len(got)-13:len(got)-1] != ms[i-1-countOutput(ms, i)].Stream[17:29] {
				t.Errorf("message %d = %q, want the removal of the step's container", i, got)
			}
		case "ID":
			if !strings.HasPrefix(got, " ---> ") || len(got) != len(" ---> ")+13 {
				t.Errorf("message %d = %q, want an image id line", i, got)
			}
		case "":
			if ms[i].Aux == nil || ms[i].Aux.(map[string]string)["ID"] != id {
				t.Errorf("message %d = %+v, want aux ID %s", i, ms[i], id)
			}
		default:
			if got != w {
				t.Errorf("message %d = %q, want %q", i, got, w)
			}
		}
	}
	if !reflect.DeepEqual(res.Image.RepoTags, []string{"web:latest", "reg.example:5000/team/web:1"}) {
		t.Errorf("RepoTags = %v", res.Image.RepoTags)
	}
}

// countOutput counts the output lines between a Running in line and message i.
func countOutput(ms []message, i int) int {
	n := 0
	for j := i - 1; j >= 0 && !strings.HasPrefix(ms[j].Stream, " ---> Running in "); j-- {
		n++
	}
	return n
}

func TestInstructions(t *testing.T) {
	tests := []struct {
		name       string
		dockerfile string
		files      map[string]string
		opts       Options
		check      func(t *testing.T, res *Result)
	}{
		{"env replaces and appends", "FROM alpine\nENV A=1 B=2\nENV A=3\n", nil, Options{}, func(t *testing.T, res *Result) {
			env := res.Image.Config.Env
			if !contains(env, "A=3") || !contains(env, "B=2") || contains(env, "A=1") {
				t.Errorf("Env = %v", env)
			}
		}},
		{"exec and shell forms", "FROM alpine\nENTRYPOINT [\"/entry.sh\"]\nCMD echo $HOME\n", nil, Options{}, func(t *testing.T, res *Result) {
			c := res.Image.Config
			if !reflect.DeepEqual(c.Entrypoint, []string{"/entry.sh"}) || !reflect.DeepEqual(c.Cmd, []string{"/bin/sh", "-c", "echo $HOME"}) {
				t.Errorf("Entrypoint %v Cmd %v", c.Entrypoint, c.Cmd)
			}
		}},
		{"entrypoint resets inherited cmd", "FROM alpine\nENTRYPOINT [\"top\"]\n", nil, Options{}, func(t *testing.T, res *Result) {
			if res.Image.Config.Cmd != nil {
				t.Errorf("Cmd = %v, want nil", res.Image.Config.Cmd)
			}
		}},
		{"metadata", "FROM alpine\nLABEL a=b \"c d\"=e\nEXPOSE 80 53/udp 8000-8001\nUSER 1000:1000\nVOLUME /data /logs\nVOLUME [\"/x\", \"/y\"]\nSTOPSIGNAL SIGQUIT\nSHELL [\"/bin/bash\", \"-c\"]\nMAINTAINER me\n", nil, Options{}, func(t *testing.T, res *Result) {
			c := res.Image.Config
			if c.Labels["a"] != "b" || c.Labels["c d"] != "e" {
				t.Errorf("Labels = %v", c.Labels)
			}
			ports := keys(c.ExposedPorts)
			if !reflect.DeepEqual(ports, []string{"53/udp", "80/tcp", "8000/tcp", "8001/tcp"}) {
				t.Errorf("ExposedPorts = %v", ports)
			}
			if c.User != "1000:1000" || c.StopSignal != "SIGQUIT" || !reflect.DeepEqual(c.Shell, []string{"/bin/bash", "-c"}) || res.Image.Author != "me" {
				t.Errorf("User %q StopSignal %q Shell %v Author %q", c.User, c.StopSignal, c.Shell, res.Image.Author)
			}
			if vols := keys(c.Volumes); !reflect.DeepEqual(vols, []string{"/data", "/logs", "/x", "/y"}) {
				t.Errorf("Volumes = %v", vols)
			}
		}},
		{"healthcheck", "FROM alpine\nHEALTHCHECK --interval=5s --timeout=2s --retries=4 --start-period=1s CMD curl -f localhost || exit 1\n", nil, Options{}, func(t *testing.T, res *Result) {
			h := res.Image.Config.Healthcheck
			if h == nil || !reflect.DeepEqual(h.Test, []string{"CMD-SHELL", "curl -f localhost || exit 1"}) || h.Interval != 5*time.Second ||
				h.Timeout != 2*time.Second || h.Retries != 4 || h.StartPeriod != time.Second {
				t.Errorf("Healthcheck = %+v", h)
			}
		}},
		{"healthcheck none", "FROM alpine\nHEALTHCHECK NONE\n", nil, Options{}, func(t *testing.T, res *Result) {
			if h := res.Image.Config.Healthcheck; h == nil || !reflect.DeepEqual(h.Test, []string{"NONE"}) {
				t.Errorf("Healthcheck = %+v", h)
			}
		}},
		{"workdir relative and run in it", "FROM alpine\nWORKDIR /srv\nWORKDIR app\nRUN echo hi > out.txt && pwd > pwd.txt\n", nil, Options{}, func(t *testing.T, res *Result) {
			if res.Image.Config.WorkingDir != "/srv/app" {
				t.Errorf("WorkingDir = %q", res.Image.Config.WorkingDir)
			}
			if d, ok := fileData(res, "/srv/app/out.txt"); !ok || d != "hi\n" {
				t.Errorf("/srv/app/out.txt = %q %v", d, ok)
			}
			if d, _ := fileData(res, "/srv/app/pwd.txt"); d != "/srv/app\n" {
				t.Errorf("pwd = %q", d)
			}
		}},
		{"run sees env and build args", "FROM alpine\nARG V=default\nENV E=env\nRUN echo $V-$E > /v\n", nil, Options{BuildArgs: map[string]*string{"V": ptr("given")}}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/v"); d != "given-env\n" {
				t.Errorf("/v = %q", d)
			}
			last := res.Image.History[len(res.Image.History)-1]
			if last.CreatedBy != "|1 V=given /bin/sh -c echo $V-$E > /v" {
				t.Errorf("CreatedBy = %q", last.CreatedBy)
			}
			if contains(res.Image.Config.Env, "V=given") {
				t.Errorf("build arg leaked into Env: %v", res.Image.Config.Env)
			}
		}},
		{"arg default and nil build arg", "FROM alpine\nARG V=default\nRUN echo $V > /v\n", nil, Options{BuildArgs: map[string]*string{"V": nil}}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/v"); d != "default\n" {
				t.Errorf("/v = %q", d)
			}
		}},
		{"meta arg in FROM overridden by a build arg", "ARG TAG=3.19\nFROM alpine:$TAG\n", nil, Options{BuildArgs: map[string]*string{"TAG": ptr("3.18")}}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/etc/os-release"); d != "NAME=alpine:3.18\n" {
				t.Errorf("base image %q, want alpine:3.18", d)
			}
		}},
		{"stage ARG inherits the meta default", "ARG V=meta\nFROM alpine\nARG V\nRUN echo $V > /v\n", nil, Options{}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/v"); d != "meta\n" {
				t.Errorf("/v = %q", d)
			}
		}},
		{"meta arg invisible without ARG in the stage", "ARG V=meta\nFROM alpine\nRUN echo \"[$V]\" > /v\n", nil, Options{}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/v"); d != "[]\n" {
				t.Errorf("/v = %q", d)
			}
		}},
		{"unused build arg warning", "FROM alpine\n", nil, Options{BuildArgs: map[string]*string{"NOPE": ptr("1")}}, func(t *testing.T, res *Result) {
			if !strings.Contains(texts(messages(t, res.Stream)), "[Warning] One or more build-args [NOPE] were not consumed\n") {
				t.Errorf("no warning in\n%s", res.Stream)
			}
		}},
		{"env expansion in instructions", "FROM alpine\nENV DIR=/opt/x PORT=8080\nWORKDIR $DIR\nEXPOSE ${PORT}\nLABEL dir=$DIR\n", nil, Options{}, func(t *testing.T, res *Result) {
			c := res.Image.Config
			if c.WorkingDir != "/opt/x" || c.Labels["dir"] != "/opt/x" || keys(c.ExposedPorts)[0] != "8080/tcp" {
				t.Errorf("WorkingDir %q Labels %v Ports %v", c.WorkingDir, c.Labels, c.ExposedPorts)
			}
		}},
		{"copy forms", "FROM alpine\nWORKDIR /w\nCOPY a.txt b.txt /multi/\nCOPY src /tree\nCOPY a.txt renamed.txt\nCOPY *.md docs/\n",
			map[string]string{"a.txt": "A", "b.txt": "B", "src/": "", "src/x/y.go": "Y", "one.md": "1", "two.md": "2"}, Options{}, func(t *testing.T, res *Result) {
				for p, want := range map[string]string{"/multi/a.txt": "A", "/multi/b.txt": "B", "/tree/x/y.go": "Y", "/w/renamed.txt": "A", "/w/docs/one.md": "1", "/w/docs/two.md": "2"} {
					if d, ok := fileData(res, p); !ok || d != want {
						t.Errorf("%s = %q %v, want %q", p, d, ok, want)
					}
				}
			}},
		{"add unpacks a tar", "FROM alpine\nADD bundle.tar /opt/\n", map[string]string{"bundle.tar": tarString(t, map[string]string{"inner/f": "F"})}, Options{}, func(t *testing.T, res *Result) {
			if d, ok := fileData(res, "/opt/inner/f"); !ok || d != "F" {
				t.Errorf("/opt/inner/f = %q %v", d, ok)
			}
		}},
		{"dockerignore", "FROM alpine\nCOPY . /ctx/\n", map[string]string{".dockerignore": "secret*\n*.log\n!keep.log\n", "secret.env": "x", "a.log": "x", "keep.log": "k", "ok": "o"}, Options{}, func(t *testing.T, res *Result) {
			for _, p := range []string{"/ctx/secret.env", "/ctx/a.log"} {
				if _, ok := fileData(res, p); ok {
					t.Errorf("%s copied despite .dockerignore", p)
				}
			}
			for _, p := range []string{"/ctx/keep.log", "/ctx/ok", "/ctx/Dockerfile"} {
				if _, ok := fileData(res, p); !ok {
					t.Errorf("%s missing", p)
				}
			}
		}},
		{"custom dockerfile path", "", map[string]string{"build/App.Dockerfile": "FROM alpine\nLABEL f=custom\n"}, Options{Dockerfile: "build/App.Dockerfile"}, func(t *testing.T, res *Result) {
			if res.Image.Config.Labels["f"] != "custom" {
				t.Errorf("Labels = %v", res.Image.Config.Labels)
			}
		}},
		{"lower-case dockerfile", "", map[string]string{"dockerfile": "FROM alpine\nLABEL f=lower\n"}, Options{}, func(t *testing.T, res *Result) {
			if res.Image.Config.Labels["f"] != "lower" {
				t.Errorf("Labels = %v", res.Image.Config.Labels)
			}
		}},
		{"scratch", "FROM scratch\nCOPY a.txt /\nCMD [\"/a.txt\"]\n", map[string]string{"a.txt": "A"}, Options{}, func(t *testing.T, res *Result) {
			if len(res.Files) != 1 || res.Files[0].Path != "/a.txt" || len(res.Image.Layers) != 1 {
				t.Errorf("Files %+v Layers %+v", res.Files, res.Image.Layers)
			}
			if !strings.Contains(string(res.Stream), `"Step 1/3 : FROM scratch"}`+"\r\n"+`{"stream":"\n"}`+"\r\n"+`{"stream":" ---\u003e \n"}`) {
				t.Errorf("stream:\n%s", res.Stream)
			}
		}},
		{"onbuild triggers run in the child", "FROM alpine AS parent\nONBUILD RUN echo triggered > /t\nFROM parent\n", nil, Options{}, func(t *testing.T, res *Result) {
			if d, _ := fileData(res, "/t"); d != "triggered\n" {
				t.Errorf("/t = %q", d)
			}
			if res.Image.Config.OnBuild != nil {
				t.Errorf("OnBuild = %v, want cleared", res.Image.Config.OnBuild)
			}
			if !strings.Contains(texts(messages(t, res.Stream)), "# Executing 1 build trigger\n") {
				t.Errorf("stream:\n%s", res.Stream)
			}
		}},
		{"option labels are steps", "FROM alpine\n", nil, Options{Labels: map[string]string{"b": "2", "a": "1"}}, func(t *testing.T, res *Result) {
			text := texts(messages(t, res.Stream))
			if !strings.Contains(text, "Step 2/3 : LABEL a=1\n") || !strings.Contains(text, "Step 3/3 : LABEL b=2\n") {
				t.Errorf("stream:\n%s", text)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			if tt.dockerfile != "" {
				files["Dockerfile"] = tt.dockerfile
			}
			for k, v := range tt.files {
				files[k] = v
			}
			tt.check(t, mustBuild(t, files, tt.opts))
		})
	}
}

func TestMultiStage(t *testing.T) {
	df := "ARG GO=1.22\nFROM golang:${GO} AS build\nWORKDIR /src\nCOPY main.go .\nRUN echo binary > /src/app\n" +
		"FROM alpine AS test\nRUN echo tested > /ok\n" +
		"FROM alpine\nCOPY --from=build /src/app /usr/local/bin/app\nCOPY --from=1 /ok /ok\nCMD [\"app\"]\n"
	files := map[string]string{"Dockerfile": df, "main.go": "package main\n"}
	t.Run("all stages", func(t *testing.T) {
		r := newResolver()
		res, err := Build(t.Context(), tarOf(t, files), Options{}, r)
		if err != nil {
			t.Fatal(err, string(res.Stream))
		}
		if !reflect.DeepEqual(r.calls, []string{"golang:1.22", "alpine", "alpine"}) {
			t.Errorf("resolved %v", r.calls)
		}
		if d, _ := fileData(res, "/usr/local/bin/app"); d != "binary\n" {
			t.Errorf("app = %q", d)
		}
		if _, ok := fileData(res, "/src/main.go"); ok {
			t.Error("the build stage's files leaked into the final stage")
		}
		if d, _ := fileData(res, "/ok"); d != "tested\n" {
			t.Errorf("/ok = %q", d)
		}
		if n := strings.Count(string(res.Stream), `"aux"`); n != 3 {
			t.Errorf("%d aux messages, want one per stage", n)
		}
	})
	t.Run("target", func(t *testing.T) {
		res := mustBuild(t, files, Options{Target: "BUILD"})
		if d, _ := fileData(res, "/src/app"); d != "binary\n" || res.Image.Config.WorkingDir != "/src" {
			t.Errorf("target stage not the result: app %q workdir %q", d, res.Image.Config.WorkingDir)
		}
		if !strings.Contains(texts(messages(t, res.Stream)), "Step 5/5 : RUN echo binary > /src/app") {
			t.Errorf("steps not counted up to the target:\n%s", res.Stream)
		}
	})
	t.Run("from previous stage", func(t *testing.T) {
		res := mustBuild(t, map[string]string{"Dockerfile": "FROM alpine AS base\nENV X=1\nFROM base\nRUN echo $X > /x\n"}, Options{})
		if d, _ := fileData(res, "/x"); d != "1\n" {
			t.Errorf("/x = %q", d)
		}
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func ptr(s string) *string { return &s }

func tarString(t *testing.T, files map[string]string) string {
	r := tarOf(t, files)
	b := make([]byte, r.Len())
	if _, err := r.Read(b); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestContextForms(t *testing.T) {
	files := map[string]string{
		"Dockerfile":    "FROM alpine\nCOPY . /ctx/\n",
		".dockerignore": "Dockerfile\n.dockerignore\n",
		"app.txt":       "A",
	}
	plain := tarOf(t, files)
	raw := make([]byte, plain.Len())
	if _, err := plain.Read(raw); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"tar": raw, "tar.gz": gz.Bytes()} {
		t.Run(name, func(t *testing.T) {
			res, err := Build(t.Context(), bytes.NewReader(body), Options{}, newResolver())
			if err != nil {
				t.Fatalf("%v\n%s", err, res.Stream)
			}
			if d, ok := fileData(res, "/ctx/app.txt"); !ok || d != "A" {
				t.Errorf("/ctx/app.txt = %q %v", d, ok)
			}
			// dockerd reads an ignored Dockerfile but does not send it to COPY.
			for _, p := range []string{"/ctx/Dockerfile", "/ctx/.dockerignore"} {
				if _, ok := fileData(res, p); ok {
					t.Errorf("%s copied although .dockerignore excludes it", p)
				}
			}
		})
	}
}
