package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// freePort returns a loopback port that was free a moment ago (Prometheus needs
// an explicit listen address).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestE2EPrometheusScrapesWatch starts `up --watch` and a real Prometheus
// scraping it on loopback, and asks Prometheus's HTTP API for the reconcile
// counter. .ci/run installs Debian's prometheus so this runs in CI.
func TestE2EPrometheusScrapesWatch(t *testing.T) {
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian: apt-get install prometheus; .ci/run installs it)")
	}
	s := newStack(t)
	s.write("compose.yaml", simple)
	watch := s.cmd("up", "--watch", "--metrics-addr", "127.0.0.1:0", "--resync", "1s")
	stderr, err := watch.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		watch.Process.Signal(syscall.SIGINT)
		watch.Wait()
	})
	w := newLineWaiter(t, stderr)
	target := w.waitFor(`Serving metrics on http://(\S+)/metrics`)[1]
	w.waitFor(`^Apply complete: `)

	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: reconciler\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	promAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	prom := s.cmd()
	prom.Path, prom.Args = promBin, []string{promBin, "--config.file=" + cfg, "--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + promAddr, "--log.level=warn"}
	prom.Dir = dir
	promOut, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer promOut.Close()
	prom.Stdout, prom.Stderr = promOut, promOut
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		prom.Process.Signal(syscall.SIGTERM)
		prom.Wait()
	})

	// Poll Prometheus's query API until it has scraped a successful pass.
	query := "http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(`sum(reconciler_reconcile_total{result="success"})`)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(runTimeout)
	for {
		select {
		case <-deadline:
			log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Fatalf("Prometheus never reported a successful pass of %s\n%s", target, log)
		case <-tick.C:
		}
		if v, ok := promValue(query); ok && v >= 1 {
			return
		}
	}
}

// promValue returns the first sample of an instant query, if any.
func promValue(query string) (float64, bool) {
	resp, err := http.Get(query)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			}
		}
	}
	if json.NewDecoder(resp.Body).Decode(&r) != nil || r.Status != "success" || len(r.Data.Result) == 0 {
		return 0, false
	}
	s, _ := r.Data.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
