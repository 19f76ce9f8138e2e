package main

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// simple is a stack with no health checks, so scenarios converge at once.
const simple = `name: demo
services:
  web:
    image: nginx:1.27-alpine
    environment:
      LOG_LEVEL: info
      MODE: web
  worker:
    image: busybox:1.36
    command: ["sleep", "3600"]
    deploy:
      replicas: 3
  cache:
    image: redis:7-alpine
volumes:
  data:
`

func running(t *testing.T, ps map[string]psEntry, want ...string) {
	t.Helper()
	if got := names(ps); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("containers = %v, want %v", got, want)
	}
	for n, e := range ps {
		if e.State != "running" {
			t.Errorf("%s is %s (%s), want running", n, e.State, e.Status)
		}
	}
}

func TestE2EUpConvergesThenNoOp(t *testing.T) {
	s := newStack(t).copyExample("profiles")
	s.ok("up")
	ps := s.ps()
	running(t, ps, "profiles-app-1", "profiles-cache-1")
	if e := ps["profiles-app-1"]; e.Project != "profiles" || e.Service != "app" || !strings.Contains(e.Labels, "com.docker.compose.config-hash=") {
		t.Errorf("app entry lacks compose fields: %+v", e)
	}

	r := s.ok("up", "--debug")
	if !strings.Contains(r.stderr, "No changes.") {
		t.Errorf("second up does not say No changes:\n%s", r)
	}
	if !strings.Contains(r.stderr, "engine write calls: 0") {
		t.Errorf("second up made engine writes:\n%s", r)
	}
	after := s.ps()
	for n, e := range ps {
		if after[n].ID != e.ID {
			t.Errorf("%s was replaced by a no-op up", n)
		}
	}
	if r := s.run("plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("plan --detailed-exitcode on a converged stack: %s", r)
	}

	// A profile adds its service; dropping the profile again keeps it (not an orphan).
	s.ok("up", "--profile", "debug")
	running(t, s.ps(), "profiles-app-1", "profiles-cache-1", "profiles-debug-1")
	r = s.ok("up", "--debug")
	if !strings.Contains(r.stderr, "engine write calls: 0") || strings.Contains(strings.ToLower(r.stderr), "orphan") {
		t.Errorf("a disabled profile's container was touched or called an orphan:\n%s", r)
	}
}

func TestE2EOneEnvChangeReplacesOneContainer(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	s.ok("up")
	before := s.ps()
	s.edit("compose.yaml", "LOG_LEVEL: info", "LOG_LEVEL: debug")

	if r := s.run("plan", "--detailed-exitcode"); r.code != exitPending {
		t.Fatalf("plan --detailed-exitcode: want 2 (pending): %s", r)
	}
	r := s.ok("plan", "--json")
	var plan struct {
		Changes []struct {
			Kind, Name, Action string
			Fields             []struct{ Path, Before, After string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("plan --json does not parse: %v\n%s", err, r.stdout)
	}
	if len(plan.Changes) != 1 {
		t.Fatalf("want exactly one change, got %+v", plan.Changes)
	}
	c := plan.Changes[0]
	if c.Action != "replace" || c.Name != "demo-web-1" || len(c.Fields) != 1 ||
		c.Fields[0].Path != "environment.LOG_LEVEL" || c.Fields[0].Before != "info" || c.Fields[0].After != "debug" {
		t.Fatalf("change = %+v, want replace demo-web-1 naming environment.LOG_LEVEL info -> debug", c)
	}
	if text := s.ok("plan").stdout; !strings.Contains(text, "LOG_LEVEL") || !strings.Contains(text, "demo-web-1") {
		t.Errorf("plan text does not explain the change:\n%s", text)
	}

	s.ok("up")
	after := s.ps()
	for n, e := range before {
		replaced := after[n].ID != e.ID
		if replaced != (n == "demo-web-1") {
			t.Errorf("%s replaced=%v, want only demo-web-1 replaced", n, replaced)
		}
	}
}

func TestE2EScaleDownRemovesHighestReplicas(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	s.ok("up")
	before := s.ps()
	s.edit("compose.yaml", "replicas: 3", "replicas: 1")
	s.ok("up")
	after := s.ps()
	running(t, after, "demo-cache-1", "demo-web-1", "demo-worker-1")
	if after["demo-worker-1"].ID != before["demo-worker-1"].ID {
		t.Error("scale down replaced replica 1")
	}
}

func TestE2EOrphansReportedThenRemoved(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	s.ok("up")
	s.edit("compose.yaml", "  cache:\n    image: redis:7-alpine\n", "")

	r := s.ok("up")
	if !strings.Contains(r.stderr, "demo-cache-1") || !strings.Contains(strings.ToLower(r.stderr), "orphan") {
		t.Errorf("up does not report the orphan demo-cache-1:\n%s", r)
	}
	if _, ok := s.ps()["demo-cache-1"]; !ok {
		t.Fatal("orphan removed without --remove-orphans")
	}
	s.ok("up", "--remove-orphans")
	if _, ok := s.ps()["demo-cache-1"]; ok {
		t.Fatal("--remove-orphans kept demo-cache-1")
	}
}

// planChanges returns plan --json's changes as "action kind name" strings.
func (s *stack) planChanges() []string {
	s.t.Helper()
	r := s.ok("plan", "--json")
	var plan struct {
		Changes []struct{ Kind, Name, Action string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		s.t.Fatalf("plan --json does not parse: %v\n%s", err, r.stdout)
	}
	var out []string
	for _, c := range plan.Changes {
		out = append(out, c.Action+" "+c.Kind+" "+c.Name)
	}
	return out
}

func TestE2EDownKeepsVolumesUnlessV(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	base := s.info()
	s.ok("up")

	// down with only -p, from a directory without a compose file
	other := newStack(t)
	other.state = s.state
	other.ok("down", "-p", "demo")
	down := s.info()
	if down["Containers"] != "0 (0 running)" || down["Networks"] != base["Networks"] {
		t.Fatalf("down -p left containers or networks: %v", down)
	}
	changes := strings.Join(s.planChanges(), "\n")
	if strings.Contains(changes, "volume demo_data") {
		t.Fatalf("down without -v removed the named volume; plan now:\n%s", changes)
	}
	if !strings.Contains(changes, "create network demo_default") {
		t.Fatalf("down kept the network; plan now:\n%s", changes)
	}

	s.ok("up")
	s.ok("down", "-v")
	if got := s.info(); got["Containers"] != "0 (0 running)" {
		t.Fatalf("down -v left containers: %v", got)
	}
	if changes := strings.Join(s.planChanges(), "\n"); !strings.Contains(changes, "create volume demo_data") {
		t.Fatalf("down -v kept the named volume; plan now:\n%s", changes)
	}
}

func TestE2EBadFileExits1AndChangesNothing(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	s.ok("up")
	before := s.ps()
	s.write("compose.yaml", strings.Replace(simple, "replicas: 3", "replicas: many", 1))
	r := s.run("up")
	if r.code != exitError {
		t.Fatalf("bad file: want exit 1: %s", r)
	}
	if !strings.Contains(r.stderr, "compose.yaml") || !strings.Contains(r.stderr, "services.worker.deploy.replicas") {
		t.Errorf("error does not name the file and path:\n%s", r.stderr)
	}
	after := s.ps("-p", "demo") // the file is bad: find the project by its labels
	for n, e := range before {
		if after[n].ID != e.ID || after[n].State != e.State {
			t.Errorf("%s changed after a bad file", n)
		}
	}
	if len(after) != len(before) {
		t.Errorf("containers %v after a bad file, want %v", names(after), names(before))
	}
}

func TestE2EConcurrentUpsShareOneState(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = s.run("up")
		}(i)
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("up #%d: %s", i, r)
		}
	}
	running(t, s.ps(), "demo-cache-1", "demo-web-1", "demo-worker-1", "demo-worker-2", "demo-worker-3")
	if r := s.run("plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("state not converged after concurrent ups: %s", r)
	}
}

func TestE2EHealthGatedWebDB(t *testing.T) {
	s := newStack(t).copyExample("web-db")
	r := s.ok("up")
	// web starts only after db reported healthy.
	healthy := strings.Index(r.stderr, "Service db Healthy")
	started := strings.Index(r.stderr, "Container web-db-web-1 Started")
	if healthy < 0 || started < 0 || started < healthy {
		t.Fatalf("web did not wait for db to be healthy:\n%s", r.stderr)
	}
	ps := s.ps()
	running(t, ps, "web-db-db-1", "web-db-web-1")
	if ps["web-db-db-1"].Health != "healthy" {
		t.Errorf("db health = %q, want healthy", ps["web-db-db-1"].Health)
	}
	if p := ps["web-db-web-1"].Publishers; len(p) == 0 || p[0].PublishedPort != 8080 {
		t.Errorf("web publishers = %+v, want 8080", p)
	}
	if r := s.ok("up", "--debug"); !strings.Contains(r.stderr, "engine write calls: 0") {
		t.Errorf("second up made engine writes:\n%s", r)
	}

	// logs prefixes every line with the container name; exec returns the
	// command's exit status.
	if r := s.ok("logs", "db"); !strings.HasPrefix(r.stdout, "web-db-db-1 | ") {
		t.Errorf("logs db:\n%s", r)
	}
	if r := s.run("exec", "db", "sh", "-c", "exit 3"); r.code != 3 {
		t.Errorf("exec exit status: %s", r)
	}
	if r := s.ok("exec", "db", "sh", "-c", "echo hi"); r.stdout != "hi\n" {
		t.Errorf("exec output: %s", r)
	}
}

// A failed engine call (here a start refused because another project holds the
// host port: the emulator has no fault injection yet) exits 1 with every error
// on its own line naming the action and resource; independent services still
// converge, and once the cause is gone the next up converges.
func TestE2EFailedActionExits1ThenNextUpConverges(t *testing.T) {
	holder := newStack(t)
	holder.write("compose.yaml", "name: holder\nservices:\n  web:\n    image: nginx:1.27-alpine\n    ports: [\"18080:80\"]\n")
	holder.ok("up")

	s := newStack(t)
	s.state = holder.state
	s.write("compose.yaml", strings.Replace(simple, "volumes:\n", `  edge:
    image: nginx:1.27-alpine
    ports: ["18080:80"]
  front:
    image: nginx:1.27-alpine
    depends_on: [edge]
volumes:
`, 1))
	r := s.run("up")
	if r.code != exitError {
		t.Fatalf("up with a conflicting port: want exit 1: %s", r)
	}
	var errLines []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "error: ") {
			errLines = append(errLines, l)
		}
	}
	if len(errLines) == 0 || !strings.Contains(errLines[0], "demo-edge-1") || !strings.Contains(errLines[0], "start") {
		t.Fatalf("error lines do not name the start of demo-edge-1:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "Apply failed: ") {
		t.Errorf("no failure summary:\n%s", r.stderr)
	}
	ps := s.ps()
	if ps["demo-web-1"].State != "running" || ps["demo-cache-1"].State != "running" {
		t.Errorf("independent services did not converge: %v", ps)
	}
	if e, ok := ps["demo-front-1"]; ok && e.State == "running" {
		t.Errorf("front started although its dependency edge failed")
	}

	holder.ok("down")
	s.ok("up")
	running(t, s.ps(), "demo-cache-1", "demo-edge-1", "demo-front-1", "demo-web-1", "demo-worker-1", "demo-worker-2", "demo-worker-3")
}

func TestE2EDownRmiAllRemovesTheImages(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	s.ok("up")
	if got := s.info()["Images"]; got != "3" {
		t.Fatalf("images after up = %s, want 3", got)
	}
	s.ok("down", "--rmi", "all", "-t", "0")
	if got := s.info(); got["Images"] != "0" || got["Containers"] != "0 (0 running)" {
		t.Fatalf("down --rmi all left images or containers: %v", got)
	}
}

// An injected create failure (emulator fault rule, shared through the state
// file) exits 1 with the aggregated errors, one line each naming the action and
// container; the rest converges, and the next up converges fully.
func TestE2EInjectedCreateFailureThenNextUpConverges(t *testing.T) {
	s := newStack(t)
	s.write("compose.yaml", simple)
	id := strings.TrimSpace(s.ok("engine", "fault", "add", "fail", "--op", "ContainerCreate",
		"--label", "com.docker.compose.service=worker", "--times", "2", "--class", "unavailable", "--message", "disk full").stdout)
	if r := s.ok("engine", "fault", "ls"); !strings.Contains(r.stdout, id) {
		t.Fatalf("fault %q not listed:\n%s", id, r.stdout)
	}

	r := s.run("up")
	if r.code != exitError {
		t.Fatalf("up with injected faults: want exit 1: %s", r)
	}
	var failed []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "error: ") {
			if !strings.Contains(l, "create container demo-worker-") || !strings.Contains(l, "disk full") {
				t.Errorf("error line does not name the create and the container: %q", l)
			}
			failed = append(failed, l)
		}
	}
	if len(failed) != 2 {
		t.Fatalf("want 2 aggregated errors, got %d:\n%s", len(failed), r.stderr)
	}
	if len(s.ps()) != 3 { // web, cache and one worker
		t.Errorf("independent containers did not converge: %v", names(s.ps()))
	}

	s.ok("up")
	// Which worker creates failed depends on scheduling, and the next up numbers
	// new replicas as compose does: count per service instead of naming them.
	count := map[string]int{}
	for n, e := range s.ps() {
		if e.State != "running" {
			t.Errorf("%s is %s", n, e.State)
		}
		count[e.Service]++
	}
	if count["web"] != 1 || count["cache"] != 1 || count["worker"] != 3 || len(count) != 3 {
		t.Errorf("containers per service = %v, want web 1, cache 1, worker 3", count)
	}
	if r := s.run("plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("not converged after the second up: %s", r)
	}
	if r := s.ok("engine", "fault", "ls", "--format", "json"); strings.TrimSpace(r.stdout) != "" {
		t.Errorf("a used-up fault rule is still listed: %s", r.stdout)
	}
}

// TestE2EUpBuildsAService: a service with build: is built by the engine during up
// and its container runs the built image; a second up builds nothing.
func TestE2EUpBuildsAService(t *testing.T) {
	s := newStack(t)
	s.write("Dockerfile", "FROM busybox\nCMD [\"sleep\", \"infinity\"]\n")
	s.write("compose.yaml", "name: bt\nservices:\n  app:\n    build: .\n")
	// build, network create, container create, container start
	if r := s.ok("up", "--debug"); !strings.Contains(r.stderr, "engine write calls: 4") {
		t.Errorf("first up did not make the four calls:\n%s", r)
	}
	running(t, s.ps(), "bt-app-1")
	if e := s.ps()["bt-app-1"]; e.Image != "bt-app" {
		t.Errorf("bt-app-1 runs image %q, want the built bt-app", e.Image)
	}
	if r := s.ok("up", "--debug"); !strings.Contains(r.stderr, "engine write calls: 0") {
		t.Errorf("second up rebuilt or changed something:\n%s", r)
	}
}
