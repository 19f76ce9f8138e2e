package spec_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

func loadErr(t *testing.T, files map[string]string, names ...string) (*spec.ValidationError, string) {
	t.Helper()
	dir := writeFiles(t, files)
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, n))
	}
	_, err := spec.Load(context.Background(), spec.Options{Files: paths, Environ: []string{}})
	var ve *spec.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *spec.ValidationError, got %T: %v", err, err)
	}
	if !errors.Is(err, spec.ErrInvalid) {
		t.Error("errors.Is(err, spec.ErrInvalid) is false")
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != len(ve.Problems) {
		t.Errorf("Error() has %d lines for %d problems", got, len(ve.Problems))
	}
	return ve, dir
}

// TestValidationReportsEverything puts every check compose-go leaves to the tool in one
// project and expects all of them, each with file, path and line.
func TestValidationReportsEverything(t *testing.T) {
	ve, dir := loadErr(t, map[string]string{"compose.yaml": `
name: p
services:
  a:
    image: busybox
    depends_on: [b]
  b:
    image: busybox
    depends_on: [c]
  c:
    image: busybox
    depends_on: [a]
  web:
    image: "Nginx:Latest"
    container_name: web
    scale: 2
    ports: ["8080:80"]
  api:
    image: api
    ports: ["8080:8080"]
  side:
    image: busybox
    network_mode: service:nope
`}, "compose.yaml")
	file := filepath.Join(dir, "compose.yaml")
	want := []struct{ path, msg string }{
		{"services.a.depends_on", "dependency cycle: a -> b -> c -> a"},
		{"services.web.image", "invalid image reference"},
		{"services.web.container_name", "cannot be used with scale 2"},
		{"services.web.ports[0]", "published by 2 replicas"},
		{"services.web.ports[0]", "already published by services.api.ports[0]"},
		{"services.side.network_mode", `unknown service "nope"`},
	}
	for _, w := range want {
		found := false
		for _, p := range ve.Problems {
			if p.Path != w.path || !strings.Contains(p.Message, w.msg) {
				continue
			}
			found = true
			if p.File != file || p.Line == 0 || p.Column == 0 {
				t.Errorf("%s: located at %s:%d:%d", w.path, p.File, p.Line, p.Column)
			}
		}
		if !found {
			t.Errorf("no problem at %s containing %q; got:\n%v", w.path, w.msg, ve)
		}
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(ve.Problems), len(want), ve)
	}
}

func TestValidationLocatesOverrideFile(t *testing.T) {
	ve, dir := loadErr(t, map[string]string{
		"compose.yaml":  "name: p\nservices:\n  web:\n    image: nginx\n",
		"override.yaml": "services:\n  web:\n    networks: [missing]\n",
	}, "compose.yaml", "override.yaml")
	p := ve.Problems[0]
	if p.File != filepath.Join(dir, "override.yaml") || p.Path != "services.web.networks.missing" || p.Line != 3 {
		t.Errorf("got %s", p)
	}
}

// TestYAMLSyntaxErrorNamesFile: compose-go drops the file name from YAML syntax errors.
func TestYAMLSyntaxErrorNamesFile(t *testing.T) {
	ve, dir := loadErr(t, map[string]string{
		"compose.yaml": "name: p\nservices:\n  web:\n    image: nginx\n",
		"broken.yaml":  "services:\n  web:\n    image: nginx\n    ports: [80\n  db: x: y\n",
	}, "compose.yaml", "broken.yaml")
	p := ve.Problems[0]
	if p.File != filepath.Join(dir, "broken.yaml") || p.Line == 0 || !strings.Contains(p.Message, "yaml") {
		t.Errorf("got %+v", p)
	}
	if want := filepath.Join(dir, "broken.yaml") + ":"; !strings.HasPrefix(ve.Error(), want) {
		t.Errorf("Error() = %q, want prefix %q", ve.Error(), want)
	}
}

func TestInterpolationErrorHasPath(t *testing.T) {
	ve, _ := loadErr(t, map[string]string{
		"compose.yaml": "name: p\nservices:\n  web:\n    image: nginx:${TAG:?TAG is required}\n",
	}, "compose.yaml")
	p := ve.Problems[0]
	if p.Path != "services.web.image" || p.Line != 4 || !strings.Contains(p.Message, "TAG is required") {
		t.Errorf("got %s", p)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    spec.Problem
		want string
	}{
		{spec.Problem{File: "/a.yaml", Path: "services.web", Line: 3, Column: 5, Message: "bad"}, "/a.yaml:3:5: services.web: bad"},
		{spec.Problem{File: "/a.yaml", Message: "bad"}, "/a.yaml: bad"},
		{spec.Problem{Path: "services.web", Message: "bad"}, "services.web: bad"},
	}
	for _, tc := range tests {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// TestSchemaErrorPlusMore: compose-go stops at its first (schema) error; the other
// problems are still reported.
func TestSchemaErrorPlusMore(t *testing.T) {
	ve, _ := loadErr(t, map[string]string{"compose.yaml": `
name: p
services:
  web:
    image: nginx
    restartt: always
  side:
    image: busybox
    container_name: side
    deploy: {replicas: 2}
`}, "compose.yaml")
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	want := []string{"services.web.restartt", "services.side.container_name"}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Errorf("paths %v, want %v:\n%v", paths, want, ve)
	}
	if ve.Problems[0].Message != "unknown key" {
		t.Errorf("message %q, want %q", ve.Problems[0].Message, "unknown key")
	}
}

func TestBuildOnlyImageNameMustBeValid(t *testing.T) {
	ve, _ := loadErr(t, map[string]string{"compose.yaml": "name: p\nservices:\n  Web:\n    build: .\n"}, "compose.yaml")
	p := ve.Problems[0]
	if p.Path != "services.Web.build" || p.Line != 4 || !strings.Contains(p.Message, `"p-Web"`) {
		t.Errorf("got %s", p)
	}
}

// TestEngineValueProblems: values the engine would refuse are reported up front.
func TestEngineValueProblems(t *testing.T) {
	ve, _ := loadErr(t, map[string]string{"compose.yaml": `
name: p
services:
  web:
    image: nginx
    mac_address: not-a-mac
    expose: ["http"]
    dns: [dns.example.com]
    networks:
      front: {ipv4_address: 10.0.0.300}
networks:
  front:
    ipam: {config: [{subnet: 10.0.0.0/24, gateway: 10.0.0.999}]}
`}, "compose.yaml")
	got := map[string]bool{}
	for _, p := range ve.Problems {
		got[p.Path] = true
	}
	for _, want := range []string{
		"services.web.mac_address", "services.web.expose[0]", "services.web.dns[0]",
		"services.web.networks.front.ipv4_address", "networks.front.ipam",
	} {
		if !got[want] {
			t.Errorf("no problem at %s:\n%v", want, ve)
		}
	}
}

// TestLoaderErrorsLocated: compose-go errors that name no path are located through what
// they quote (a file name) or their kind.
func TestLoaderErrorsLocated(t *testing.T) {
	tests := []struct {
		name, yaml, path string
		line             int
	}{
		{"include cycle", "include: [compose.yaml]\nservices:\n  a: {image: x}\n", "include", 1},
		{"missing extends file", "services:\n  a:\n    extends: {file: nope.yaml, service: base}\n", "services.a.extends.file", 3},
		{"missing env_file", "services:\n  a:\n    image: x\n    env_file: missing.env\n", "services.a.env_file", 4},
		{"duplicate key", "services:\n  a:\n    image: x\n    image: y\n", "", 4},
		{"extends cycle", "services:\n  a:\n    extends: b\n  b:\n    extends: a\n", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ve, dir := loadErr(t, map[string]string{"compose.yaml": tc.yaml}, "compose.yaml")
			p := ve.Problems[0]
			if p.File != filepath.Join(dir, "compose.yaml") {
				t.Errorf("file %q", p.File)
			}
			if tc.path != "" && p.Path != tc.path {
				t.Errorf("path %q, want %q (%s)", p.Path, tc.path, p)
			}
			if tc.name == "extends cycle" && !strings.HasSuffix(p.Path, ".extends") {
				t.Errorf("path %q, want services.<a or b>.extends", p.Path)
			}
			if tc.line != 0 && p.Line != tc.line {
				t.Errorf("line %d, want %d (%s)", p.Line, tc.line, p)
			}
		})
	}
}

// TestPortRangeConflictsSummed: a range conflict is listed a few times, then summed up.
func TestPortRangeConflictsSummed(t *testing.T) {
	ve, _ := loadErr(t, map[string]string{"compose.yaml": `
name: p
services:
  a: {image: x, ports: ["8000-8019:8000-8019"]}
  b: {image: x, ports: ["127.0.0.1:8000-8019:8000-8019"]}
  c: {image: x, ports: ["10.0.0.1:9000:9000"]}
  d: {image: x, ports: ["10.0.0.2:9000:9000"]}
`}, "compose.yaml")
	var listed int
	var summary string
	for _, p := range ve.Problems {
		switch {
		case strings.HasPrefix(p.Path, "services.b.ports["):
			listed++
		case p.Path == "services.b.ports":
			summary = p.Message
		default:
			t.Errorf("unexpected problem (different host IPs do not conflict): %s", p)
		}
	}
	if listed != 5 || summary != `15 more host ports conflict with service "a"` {
		t.Errorf("listed %d, summary %q:\n%v", listed, summary, ve)
	}
}
