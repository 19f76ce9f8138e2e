// Package prometheus holds an end-to-end test (no library code): the
// reconciler binary in watch mode scraped by a real Prometheus server.
//
// TestPrometheusScrapesWatch builds cmd/reconciler, runs
// `reconciler up --watch --metrics-addr 127.0.0.1:<port>` on testdata/compose.yaml
// with a state file in a temporary directory, starts `prometheus` on loopback
// scraping it every second (with deploy/prometheus/alerts.yml loaded), and
// polls Prometheus's HTTP API until reconciler_reconcile_total{result="success"}
// is above 0. It then checks that the rules loaded, that every dashboard query
// of deploy/grafana/reconciler.json is valid PromQL for that server, and that
// `promtool check metrics` accepts a live scrape; finally Ctrl-C (SIGINT) must
// end the watch with exit status 0 and leave the stack running.
//
// It skips with a message where the prometheus binary is missing (Debian:
// apt-get install prometheus, which also provides promtool):
//
//	go test ./internal/e2e/prometheus/ -v
package prometheus
