package metrics

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v4"

	"github.com/reconciler/reconciler/planner"
)

// The deploy/ files these tests check (relative to this package).
var (
	dashboardPath  = filepath.Join("..", "deploy", "grafana", "reconciler.json")
	alertsPath     = filepath.Join("..", "deploy", "prometheus", "alerts.yml")
	alertTestsPath = filepath.Join("..", "deploy", "prometheus", "alerts_test.yml")
	promConfigPath = filepath.Join("..", "deploy", "prometheus", "prometheus.yml")
)

// prometheusSynthetic are series Prometheus itself adds to every scrape target;
// a query may use them although no exporter exports them.
var prometheusSynthetic = map[string]bool{
	"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true,
	"scrape_samples_post_metric_relabeling": true, "scrape_series_added": true,
}

// promqlNonMetric are PromQL words that are not metric names when they are not
// followed by "(": binary and set operators, modifiers, literals.
var promqlNonMetric = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true,
	"inf": true, "nan": true, "by": true, "without": true, "on": true, "ignoring": true,
	"group_left": true, "group_right": true,
	// Aggregators may be followed by `by (...)` before their parenthesis.
	"sum": true, "avg": true, "min": true, "max": true, "count": true, "group": true,
	"stddev": true, "stdvar": true, "topk": true, "bottomk": true, "quantile": true,
	"count_values": true, "limitk": true, "limit_ratio": true,
}

// promqlLabelList are the words followed by a parenthesised list of label names.
var promqlLabelList = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
}

// promqlMetricNames returns the metric names an expression selects, sorted
// and de-duplicated: the identifiers that are not functions (followed by "("),
// keywords, label names (inside {}, or a by/on/... list), strings, numbers,
// durations ([...]) or Grafana variables ($x, ${x}, [[x]]).
func promqlMetricNames(expr string) []string {
	seen := map[string]bool{}
	s := expr
	nextNonSpace := func(i int) int {
		for i < len(s) && strings.ContainsRune(" \t\r\n", rune(s[i])) {
			i++
		}
		return i
	}
	// skipTo returns the index just past the close that balances s[i].
	skipTo := func(i int, open, close byte) int {
		depth := 0
		for ; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"' || c == '\'' || c == '`':
				i = skipString(s, i) - 1
			case c == open:
				depth++
			case c == close:
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(s)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipString(s, i)
		case c == '{':
			i = skipTo(i, '{', '}')
		case c == '[' && strings.HasPrefix(s[i:], "[["):
			i = skipTo(i+1, '[', ']') + 1
		case c == '[':
			i = skipTo(i, '[', ']')
		case c == '$':
			i++
			if i < len(s) && s[i] == '{' {
				i = skipTo(i, '{', '}')
			}
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
		case c >= '0' && c <= '9' || c == '.':
			for i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
				i++
			}
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			word := s[i:j]
			k := nextNonSpace(j)
			switch {
			case promqlLabelList[strings.ToLower(word)] && k < len(s) && s[k] == '(':
				j = skipTo(k, '(', ')')
			case k < len(s) && s[k] == '(':
				// A function call: its arguments are scanned on.
			case promqlNonMetric[strings.ToLower(word)]:
			default:
				seen[word] = true
			}
			i = j
		default:
			i++
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// skipString returns the index just past the string literal starting at s[i].
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' && q != '`' {
			j++
			continue
		}
		if s[j] == q {
			return j + 1
		}
	}
	return len(s)
}

var (
	labelValuesOfMetric = regexp.MustCompile(`^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$`)
	labelValuesOnly     = regexp.MustCompile(`^\s*label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$`)
	queryResult         = regexp.MustCompile(`^\s*query_result\((.*)\)\s*$`)
)

// templateQueryMetricNames returns the metric names a Grafana Prometheus
// variable query selects: label_values(selector, label), label_values(label),
// query_result(expr), or plain PromQL.
func templateQueryMetricNames(q string) []string {
	if m := labelValuesOfMetric.FindStringSubmatch(q); m != nil {
		return promqlMetricNames(m[1])
	}
	if labelValuesOnly.MatchString(q) {
		return nil
	}
	if m := queryResult.FindStringSubmatch(q); m != nil {
		return promqlMetricNames(m[1])
	}
	return promqlMetricNames(q)
}

func TestPromQLMetricNames(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`reconciler_reconcile_total`, "reconciler_reconcile_total"},
		{`sum by (result) (rate(reconciler_reconcile_total{job=~"$job", result="error"}[$__rate_interval])) * 60`, "reconciler_reconcile_total"},
		{`histogram_quantile(0.99, sum by (le, phase) (rate(a_bucket{x="}"}[5m])))`, "a_bucket"},
		{`sum(rate(a_sum[5m])) by (phase) / ignoring(phase) group_left(project) b`, "a_sum b"},
		{`time() - min(c > 0) or vector(0)`, "c"},
		{`x offset 5m and on (job, instance) y unless z @ start()`, "x y z"},
		{`count_values("value", q) > bool Inf`, "q"},
		{`label_replace(up, "dst", "$1", "instance", "(.*):.*")`, "up"},
		{`max_over_time(m[1h:5m]) == NaN`, "m"},
		{`rate(${metric}[5m]) + [[legacy]] + n:recorded:rate5m`, "n:recorded:rate5m"},
		{`1e3 + 0x1f + .5`, ""},
	} {
		got := strings.Join(promqlMetricNames(tc.expr), " ")
		if got != tc.want {
			t.Errorf("promqlMetricNames(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
	for _, tc := range []struct{ q, want string }{
		{`label_values(reconciler_resources{job=~"$job"}, project)`, "reconciler_resources"},
		{`label_values(job)`, ""},
		{`query_result(topk(5, foo))`, "foo"},
		{`sum(bar)`, "bar"},
	} {
		if got := strings.Join(templateQueryMetricNames(tc.q), " "); got != tc.want {
			t.Errorf("templateQueryMetricNames(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// exportedNames are the series names a fresh metrics.New exports once every
// vector has a child: a histogram as its _bucket, _sum and _count series, a
// summary as itself, _sum and _count.
func exportedNames(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RecordFileEvent("write")
	m.RecordPass(Pass{Trigger: TriggerFile, Result: ResultSuccess, End: time.Unix(100, 0),
		LoadAttempted: true, Planned: true, PlanAdd: 1, Drift: true, Converged: true,
		Phases:  []PhaseDuration{{PhaseLoad, time.Millisecond}, {PhaseObserve, time.Millisecond}, {PhasePlan, time.Millisecond}, {PhaseApply, time.Second}},
		Actions: []ActionOutcome{{"create_container", "done"}}, Desired: demoDesired("web"),
		Observed: &planner.Observed{Project: "demo", Containers: []planner.Container{ctr("demo-web-1", "web", "running", "")}}})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		n := mf.GetName()
		switch mf.GetType() {
		case dto.MetricType_HISTOGRAM:
			names[n+"_bucket"], names[n+"_sum"], names[n+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			names[n], names[n+"_sum"], names[n+"_count"] = true, true, true
		default:
			names[n] = true
		}
	}
	return names
}

// grafanaDashboard is the part of a dashboard JSON model these tests read.
type grafanaDashboard struct {
	SchemaVersion int            `json:"schemaVersion"`
	UID           string         `json:"uid"`
	Panels        []grafanaPanel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type grafanaPanel struct {
	ID      int            `json:"id"`
	Type    string         `json:"type"`
	Title   string         `json:"title"`
	Panels  []grafanaPanel `json:"panels"` // a collapsed row's panels
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

func loadDashboard(t *testing.T) grafanaDashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d grafanaDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	return d
}

// query is one PromQL expression found in a deploy/ file, with where it is.
type query struct{ where, expr string }

func dashboardQueries(t *testing.T, d grafanaDashboard) (qs []query, templ []query) {
	t.Helper()
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			for i, tg := range p.Targets {
				qs = append(qs, query{where: p.Title + " target " + string(rune('A'+i)), expr: tg.Expr})
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var s string
		var obj struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &s); err != nil {
			if err := json.Unmarshal(v.Query, &obj); err != nil {
				t.Fatalf("%s: variable %s: query is neither a string nor {query}: %s", dashboardPath, v.Name, v.Query)
			}
			s = obj.Query
		}
		templ = append(templ, query{where: "variable " + v.Name, expr: s})
	}
	return qs, templ
}

func alertQueries(t *testing.T) []query {
	t.Helper()
	b, err := os.ReadFile(alertsPath)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert, Record, Expr, For string
				Annotations              map[string]string
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", alertsPath, err)
	}
	var qs []query
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			name := r.Alert + r.Record
			if r.Alert != "" && (r.Annotations["summary"] == "" || r.Annotations["description"] == "") {
				t.Errorf("%s: alert %s lacks a summary or description annotation", alertsPath, name)
			}
			qs = append(qs, query{where: "group " + g.Name + " rule " + name, expr: r.Expr})
		}
	}
	return qs
}

// checkExported fails for every metric a query selects that the binary does not export.
func checkExported(t *testing.T, file string, qs []query, names func(string) []string) {
	t.Helper()
	exported := exportedNames(t)
	for _, q := range qs {
		used := names(q.expr)
		if len(used) == 0 {
			t.Errorf("%s: %s: selects no metric: %q", file, q.where, q.expr)
		}
		for _, n := range used {
			if !exported[n] && !prometheusSynthetic[n] {
				t.Errorf("%s: %s: metric %s is not exported by metrics.New (query %q)", file, q.where, n, q.expr)
			}
		}
	}
}

func TestDashboardQueriesExportedMetrics(t *testing.T) {
	d := loadDashboard(t)
	qs, templ := dashboardQueries(t, d)
	if len(qs) < 10 {
		t.Fatalf("%s: only %d panel queries found", dashboardPath, len(qs))
	}
	checkExported(t, dashboardPath, qs, promqlMetricNames)
	checkExported(t, dashboardPath, templ, templateQueryMetricNames)
}

func TestAlertRulesQueryExportedMetrics(t *testing.T) {
	qs := alertQueries(t)
	if len(qs) == 0 {
		t.Fatalf("%s: no rules", alertsPath)
	}
	checkExported(t, alertsPath, qs, promqlMetricNames)
}

// TestDashboardLayout checks the shape the README promises: the rows, the
// project variable, unique panel ids and a query in every panel.
func TestDashboardLayout(t *testing.T) {
	d := loadDashboard(t)
	if d.SchemaVersion < 36 || d.UID == "" {
		t.Errorf("schemaVersion %d, uid %q: want >= 36 and a fixed uid", d.SchemaVersion, d.UID)
	}
	var rows []string
	ids := map[int]string{}
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			if prev, dup := ids[p.ID]; dup {
				t.Errorf("panel id %d used by %q and %q", p.ID, prev, p.Title)
			}
			ids[p.ID] = p.Title
			if p.Type == "row" {
				rows = append(rows, p.Title)
			} else if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, want := range []string{"Overview", "Reconcile passes", "Drift", "Process"} {
		if !slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, want) }) {
			t.Errorf("no row starting %q; rows: %q", want, rows)
		}
	}
	_, templ := dashboardQueries(t, d)
	if !slices.ContainsFunc(templ, func(q query) bool {
		return q.where == "variable project" && strings.HasPrefix(q.expr, "label_values(")
	}) {
		t.Errorf("no `project` variable from label_values; variables: %v", templ)
	}
}

// TestPromtoolRulesAndConfig runs Prometheus's own checks on deploy/prometheus:
// the rules parse, their unit tests (alerts_test.yml) pass, the example config loads.
func TestPromtoolRulesAndConfig(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian: apt-get install prometheus); the rules are not checked by Prometheus here")
	}
	for _, args := range [][]string{
		{"check", "rules", alertsPath},
		{"test", "rules", alertTestsPath},
		{"check", "config", promConfigPath},
	} {
		out, err := exec.CommandContext(t.Context(), promtool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
