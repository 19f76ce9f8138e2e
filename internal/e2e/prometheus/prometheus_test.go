package prometheus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/reconciler/reconciler/metrics"
)

// The containers testdata/compose.yaml makes.
var wantContainers = []string{"promdemo-web-1", "promdemo-worker-1", "promdemo-worker-2"}

func TestPrometheusScrapesWatch(t *testing.T) {
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus binary not installed (Debian: apt-get install prometheus); the real-Prometheus end-to-end test does not run here")
	}
	root := moduleRoot(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "reconciler")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./cmd/reconciler")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/reconciler: %v\n%s", err, out)
	}

	// The stack, copied so that nothing is written next to testdata.
	proj := filepath.Join(tmp, "proj")
	stack := filepath.Join(proj, "compose.yaml")
	src, err := os.ReadFile(filepath.Join("testdata", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stack, src, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(tmp, "state.db")
	env := cleanEnv()
	metricsAddr := freeAddr(t)
	rec := start(t, "reconciler up --watch", env, bin, "up", "--watch", "--metrics-addr", metricsAddr,
		"-f", stack, "--state", state, "--progress", "plain")
	poll(t, "reconciler /healthz", []*proc{rec}, func() (bool, string) {
		_, err := httpGet("http://" + metricsAddr + "/healthz")
		return err == nil, fmt.Sprint(err)
	})

	// Prometheus, scraping the watch every second, with our alerting rules.
	promAddr := freeAddr(t)
	alerts, err := filepath.Abs(filepath.Join(root, "deploy", "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(tmp, "prometheus.yml")
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: reconciler
    static_configs:
      - targets: [%q]
`, alerts, metricsAddr)
	if err := os.WriteFile(config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	prom := start(t, "prometheus", env, promBin, "--config.file", config,
		"--storage.tsdb.path", filepath.Join(tmp, "tsdb"), "--web.listen-address", promAddr)
	procs := []*proc{rec, prom}

	poll(t, `reconciler_reconcile_total{result="success"} > 0 in Prometheus`, procs, func() (bool, string) {
		s, err := promQuery(promAddr, `reconciler_reconcile_total{job="reconciler", result="success"}`)
		if err != nil {
			return false, err.Error()
		}
		for _, x := range s {
			if v, _ := x.Value[1].(string); v != "" && v != "0" {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
					return true, ""
				}
			}
		}
		return false, fmt.Sprintf("%d series, none above 0: %v", len(s), s)
	})

	t.Run("series", func(t *testing.T) {
		// Every result x trigger combination exists (pre-created at 0).
		s, err := promQuery(promAddr, `reconciler_reconcile_total{job="reconciler"}`)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(metrics.Results) * len(metrics.Triggers); len(s) != want {
			t.Errorf("reconcile_total has %d series, want %d (every result x trigger): %v", len(s), want, s)
		}
		s, err = promQuery(promAddr, `reconciler_resources{kind="container", state="desired"}`)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || s[0].Metric["project"] != "promdemo" || s[0].Value[1] != strconv.Itoa(len(wantContainers)) {
			t.Errorf("desired containers = %v, want one series for project promdemo, value %d", s, len(wantContainers))
		}
	})

	t.Run("rules loaded", func(t *testing.T) {
		b, err := httpGet("http://" + promAddr + "/api/v1/rules")
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, LastError string
					} `json:"rules"`
				} `json:"groups"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, g := range r.Data.Groups {
			for _, rule := range g.Rules {
				n++
				if rule.Health == "err" {
					t.Errorf("rule %s: %s", rule.Name, rule.LastError)
				}
			}
		}
		if n == 0 {
			t.Errorf("Prometheus loaded no rules from %s: %s", alerts, b)
		}
	})

	t.Run("dashboard queries run", func(t *testing.T) {
		for _, q := range dashboardExprs(t, filepath.Join(root, "deploy", "grafana", "reconciler.json")) {
			if _, err := promQuery(promAddr, q); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("promtool check metrics", func(t *testing.T) {
		promtool, err := exec.LookPath("promtool")
		if err != nil {
			t.Skip("promtool not installed (Debian package prometheus)")
		}
		body, err := httpGet("http://" + metricsAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics on the live scrape: %v\n%s", err, out)
		}
	})

	// Stop Prometheus, then Ctrl-C the watch: exit 0, stack left running.
	if err := prom.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("prometheus exited with %v after SIGTERM; output:\n%s", err, prom.out)
	}
	if err := rec.stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("reconciler up --watch exited with %v after SIGINT (want 0); output:\n%s", err, rec.out)
	}
	ps := exec.CommandContext(t.Context(), bin, "ps", "-a", "--format", "json", "-f", stack, "--state", state)
	ps.Env = env
	out, err := ps.Output()
	if err != nil {
		t.Fatalf("reconciler ps: %v\n%s", err, out)
	}
	var got []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var e struct{ Name, State, Status string }
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("ps --format json: %v\n%s", err, out)
		}
		got = append(got, e.Name)
		if e.State != "running" {
			t.Errorf("after Ctrl-C %s is %s (%s), want running", e.Name, e.State, e.Status)
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(wantContainers, ",") {
		t.Errorf("after Ctrl-C containers = %v, want %v", got, wantContainers)
	}
}

// dashboardExprs returns the panel queries of a Grafana dashboard with its
// variables replaced as Grafana would ($__rate_interval by 1m, selections by .*).
func dashboardExprs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		Panels  []json.RawMessage `json:"panels"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	}
	repl := strings.NewReplacer("$__rate_interval", "1m", "$job", ".*", "$instance", ".*", "$project", ".*")
	var out []string
	var walk func([]json.RawMessage)
	walk = func(raw []json.RawMessage) {
		for _, r := range raw {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, tg := range p.Targets {
				out = append(out, repl.Replace(tg.Expr))
			}
			walk(p.Panels)
		}
	}
	var d panel
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	walk(d.Panels)
	if len(out) == 0 {
		t.Fatalf("%s: no panel queries", path)
	}
	return out
}
