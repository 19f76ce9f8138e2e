package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

func TestHandler(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	h := Handler(reg, m)

	if code, body := get(t, h, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "no reconcile pass finished yet") {
		t.Errorf("/readyz before any pass = %d %q", code, body)
	}
	m.RecordPass(Pass{Trigger: TriggerStartup, Result: ResultSuccess, Converged: true})
	if code, _ := get(t, h, "/readyz"); code != 200 {
		t.Errorf("/readyz after a converged pass = %d", code)
	}
	m.RecordPass(Pass{Trigger: TriggerResync, Result: ResultError, FailedPhase: PhaseApply, Error: "create container demo-web-1: boom"})
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "demo-web-1: boom") {
		t.Errorf("/readyz after a failed pass = %d %q", code, body)
	}
	code, body := get(t, h, "/metrics")
	if code != 200 || !strings.Contains(body, `reconciler_reconcile_total{result="error",trigger="resync"} 1`) {
		t.Errorf("/metrics = %d\n%s", code, body)
	}
	if code, _ := get(t, h, "/nope"); code != 404 {
		t.Errorf("/nope = %d", code)
	}
}

func TestListenServesAndShutsDown(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	s, err := Listen("127.0.0.1:0", Handler(reg, m))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + s.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "reconciler_build_info{") {
		t.Errorf("scrape lacks build_info:\n%s", body)
	}
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + s.Addr() + "/healthz"); err == nil {
		t.Error("server still answering after Shutdown")
	}
}
