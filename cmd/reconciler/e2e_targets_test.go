package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// targetStackFile is a busybox-only stack: the only image the real test daemon
// has (no registry is reachable). pull_policy missing: the emulator pulls it
// (from its built-in image source), dockerd already has it. Busybox's sleep as
// PID 1 ignores SIGTERM, so stop_grace_period keeps stops short on dockerd.
const targetStackFile = `name: %s
services:
  web:
    image: busybox:latest
    pull_policy: missing
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    environment:
      LOG_LEVEL: info
      MODE: web
    volumes:
      - data:/data
  worker:
    image: busybox:latest
    pull_policy: missing
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    deploy:
      replicas: 3
  cache:
    image: busybox:latest
    pull_policy: missing
    command: ["sleep", "3600"]
    stop_grace_period: 1s
volumes:
  data:
`

// cacheService is the service the orphan step removes from the file.
const cacheService = `  cache:
    image: busybox:latest
    pull_policy: missing
    command: ["sleep", "3600"]
    stop_grace_period: 1s
`

// TestE2ETargets runs the CLI's end-to-end behaviours (issue 5's "Done means")
// on each target of issue 7 point 5 with the same assertions: the embedded
// emulator, the emulator served over its socket through moby's client, and a
// real dockerd. It proves that up converges and a second up writes nothing,
// that one env change plans exactly one replacement naming that key and that
// plan --detailed-exitcode tracks it, that scaling 3 -> 1 removes replicas 2
// and 3, that orphans are reported and removed only on request, that down
// keeps the named volume unless -v and removes containers and networks, that
// ps --format json has compose's field names, and that a bad file exits 1
// naming the file and path and changes nothing. Each run uses its own project
// name, so runs sharing a daemon never collide.
func TestE2ETargets(t *testing.T) {
	for _, tg := range e2eTargets {
		t.Run(tg.name, func(t *testing.T) {
			ts := newTargetStack(t, tg)
			ts.write("compose.yaml", fmt.Sprintf(targetStackFile, ts.project))
			ts.scenario(t)
		})
	}
}

// scenario runs the steps in order; each builds on the state the previous one
// left, so the first failing step ends the scenario.
func (ts *targetStack) scenario(t *testing.T) {
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"UpConvergesThenNoOp", ts.stepUp},
		{"PsJSONHasComposeFields", ts.stepPsJSON},
		{"BadFileExits1ChangesNothing", ts.stepBadFile},
		{"OneEnvChangeOneReplace", ts.stepEnvChange},
		{"ScaleDownRemovesReplicas2And3", ts.stepScaleDown},
		{"OrphanReportedThenRemoved", ts.stepOrphan},
		{"DownKeepsVolumeUnlessV", ts.stepDown},
	}
	for _, st := range steps {
		if !t.Run(st.name, func(t *testing.T) {
			ts.stack.t = t // failures are reported against the step
			st.run(t)
		}) {
			return
		}
	}
}

// c returns the project's container name for service and replica n.
func (ts *targetStack) c(service string, n int) string {
	return fmt.Sprintf("%s-%s-%d", ts.project, service, n)
}

func (ts *targetStack) all() []string {
	return []string{ts.c("cache", 1), ts.c("web", 1), ts.c("worker", 1), ts.c("worker", 2), ts.c("worker", 3)}
}

// stepUp: up converges (every container running with its image id label, the
// project's network and volume exist); a second up --debug plans nothing and makes zero engine write
// calls; plan --detailed-exitcode then exits 0.
func (ts *targetStack) stepUp(t *testing.T) {
	ts.ok("up")
	ps := ts.ps()
	running(t, ps, ts.all()...)
	// Every container records its image id, also where this up pulled the
	// image (the executor sets it from the pull; the planner could not).
	for n, e := range ps {
		if !strings.Contains(e.Labels, "com.docker.compose.image=sha256:") {
			t.Errorf("%s lacks com.docker.compose.image: %s", n, e.Labels)
		}
	}
	networks, volumes := ts.resources()
	if !slices.Equal(networks, []string{ts.project + "_default"}) || !slices.Equal(volumes, []string{ts.project + "_data"}) {
		t.Fatalf("after up: networks %v, volumes %v; want [%s_default] and [%s_data]", networks, volumes, ts.project, ts.project)
	}

	r := ts.ok("up", "--debug")
	if !strings.Contains(r.stderr, "No changes.") || !strings.Contains(r.stderr, "engine write calls: 0") {
		t.Errorf("second up is not a no-op:\n%s", r)
	}
	for n, e := range ts.ps() {
		if ps[n].ID != e.ID || e.State != "running" {
			t.Errorf("%s changed on a no-op up: %+v -> %+v", n, ps[n], e)
		}
	}
	if r := ts.run("plan", "--detailed-exitcode"); r.code != exitOK {
		t.Errorf("plan --detailed-exitcode on a converged stack: want 0: %s", r)
	}
}

// psJSONFields are docker compose ps --format json's field names (issue 5).
var psJSONFields = []string{"ID", "Name", "Service", "Project", "State", "Status", "Health", "ExitCode", "Image", "Publishers", "Labels"}

// stepPsJSON: ps --format json prints one object per line with compose's
// field names and values that describe the running containers.
func (ts *targetStack) stepPsJSON(t *testing.T) {
	r := ts.ok("ps", "--format", "json")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(ts.all()) {
		t.Fatalf("ps --format json: %d lines, want %d:\n%s", len(lines), len(ts.all()), r.stdout)
	}
	for _, l := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("ps --format json line does not parse: %v\n%s", err, l)
		}
		for _, k := range psJSONFields {
			if _, ok := m[k]; !ok {
				t.Errorf("ps --format json lacks %s: %s", k, l)
			}
		}
		var e psEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("ps --format json line: %v\n%s", err, l)
		}
		service, _, _ := strings.Cut(strings.TrimPrefix(e.Name, ts.project+"-"), "-")
		if e.Project != ts.project || e.Service != service || e.State != "running" ||
			!strings.HasPrefix(e.Status, "Up") || e.ExitCode != 0 || e.Health != "" ||
			e.Image != "busybox:latest" || len(e.ID) != 64 || e.Publishers == nil ||
			!strings.Contains(e.Labels, "com.docker.compose.project="+ts.project) ||
			!strings.Contains(e.Labels, "com.docker.compose.service="+service) {
			t.Errorf("ps --format json entry does not describe %s: %s", e.Name, l)
		}
	}
}

// stepBadFile: a file with a bad value exits 1, naming the file and the key
// path, and touches nothing (same containers, same states, same networks and
// volumes). The file is restored afterwards.
func (ts *targetStack) stepBadFile(t *testing.T) {
	before := ts.ps()
	nets, vols := ts.resources()
	ts.edit("compose.yaml", "replicas: 3", "replicas: many")
	defer ts.edit("compose.yaml", "replicas: many", "replicas: 3")
	for _, args := range [][]string{{"up"}, {"plan"}} {
		r := ts.run(args...)
		if r.code != exitError {
			t.Fatalf("%s with a bad file: want exit 1: %s", args[0], r)
		}
		if !strings.Contains(r.stderr, "compose.yaml") || !strings.Contains(r.stderr, "services.worker.deploy.replicas") {
			t.Errorf("%s: error does not name the file and path:\n%s", args[0], r.stderr)
		}
	}
	after := ts.ps("-p", ts.project) // the file is bad: find the project by its labels
	if !slices.Equal(names(after), names(before)) {
		t.Errorf("containers %v after a bad file, want %v", names(after), names(before))
	}
	for n, e := range before {
		if after[n].ID != e.ID || after[n].State != e.State {
			t.Errorf("%s changed after a bad file: %+v -> %+v", n, e, after[n])
		}
	}
	if n, v := ts.resources(); !slices.Equal(n, nets) || !slices.Equal(v, vols) {
		t.Errorf("networks %v volumes %v after a bad file, want %v %v", n, v, nets, vols)
	}
}

// stepEnvChange: one env var of one service changed gives exactly one change,
// a replacement of that container naming the key with before and after;
// plan --detailed-exitcode exits 2 before up and 0 after, and up replaces
// that container only, recording its image id.
func (ts *targetStack) stepEnvChange(t *testing.T) {
	before := ts.ps()
	ts.edit("compose.yaml", "LOG_LEVEL: info", "LOG_LEVEL: debug")
	if r := ts.run("plan", "--detailed-exitcode"); r.code != exitPending {
		t.Fatalf("plan --detailed-exitcode with a change: want 2: %s", r)
	}
	r := ts.ok("plan", "--json")
	var plan struct {
		Project string
		Changes []struct {
			Kind, Name, Action string
			Fields             []struct{ Path, Before, After string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("plan --json does not parse: %v\n%s", err, r.stdout)
	}
	if plan.Project != ts.project || len(plan.Changes) != 1 {
		t.Fatalf("plan --json: want project %s with exactly one change, got %s", ts.project, r.stdout)
	}
	c := plan.Changes[0]
	if c.Kind != "container" || c.Action != "replace" || c.Name != ts.c("web", 1) || len(c.Fields) != 1 ||
		c.Fields[0].Path != "environment.LOG_LEVEL" || c.Fields[0].Before != "info" || c.Fields[0].After != "debug" {
		t.Fatalf("change = %+v, want replace container %s naming environment.LOG_LEVEL info -> debug", c, ts.c("web", 1))
	}

	ts.ok("up")
	after := ts.ps()
	running(t, after, ts.all()...)
	for n, e := range before {
		if replaced := after[n].ID != e.ID; replaced != (n == ts.c("web", 1)) {
			t.Errorf("%s replaced=%v, want only %s replaced", n, replaced, ts.c("web", 1))
		}
	}
	// The image is present now on every target, so the new container records
	// its id (what a later image change is detected by).
	if l := after[ts.c("web", 1)].Labels; !strings.Contains(l, "com.docker.compose.image=sha256:") {
		t.Errorf("replacement %s lacks com.docker.compose.image: %s", ts.c("web", 1), l)
	}
	if r := ts.run("plan", "--detailed-exitcode"); r.code != exitOK {
		t.Errorf("plan --detailed-exitcode after up: want 0: %s", r)
	}
}

// stepScaleDown: replicas 3 -> 1 removes worker-2 and worker-3 (gone from
// ps -a, not merely stopped) and keeps worker-1 as it was.
func (ts *targetStack) stepScaleDown(t *testing.T) {
	before := ts.ps()
	ts.edit("compose.yaml", "replicas: 3", "replicas: 1")
	ts.ok("up")
	after := ts.ps()
	running(t, after, ts.c("cache", 1), ts.c("web", 1), ts.c("worker", 1))
	if w := ts.c("worker", 1); after[w].ID != before[w].ID {
		t.Errorf("scale down replaced %s", w)
	}
}

// stepOrphan: a service removed from the file is reported as an orphan by up
// and kept; up --remove-orphans removes it.
func (ts *targetStack) stepOrphan(t *testing.T) {
	ts.edit("compose.yaml", cacheService, "")
	orphan := ts.c("cache", 1)
	r := ts.ok("up")
	if !strings.Contains(r.stderr, orphan) || !strings.Contains(strings.ToLower(r.stderr), "orphan") {
		t.Errorf("up does not report the orphan %s:\n%s", orphan, r)
	}
	if e, ok := ts.ps()[orphan]; !ok || e.State != "running" {
		t.Fatalf("orphan %s touched without --remove-orphans: %+v", orphan, e)
	}
	ts.ok("up", "--remove-orphans")
	running(t, ts.ps(), ts.c("web", 1), ts.c("worker", 1))
}

// stepDown: down removes the containers and the network and keeps the named
// volume; down -v then removes the volume.
func (ts *targetStack) stepDown(t *testing.T) {
	ts.ok("down")
	if got := ts.ps(); len(got) != 0 {
		t.Errorf("containers left after down: %v", names(got))
	}
	networks, volumes := ts.resources()
	if len(networks) != 0 || !slices.Equal(volumes, []string{ts.project + "_data"}) {
		t.Fatalf("after down: networks %v, volumes %v; want none and [%s_data]", networks, volumes, ts.project)
	}
	ts.ok("down", "-v")
	if networks, volumes := ts.resources(); len(networks) != 0 || len(volumes) != 0 {
		t.Fatalf("after down -v: networks %v, volumes %v; want none", networks, volumes)
	}
}
