// Package metrics owns the reconciler's Prometheus metrics and their HTTP server.
//
// Everything is registered on an injected prometheus.Registerer (no global
// registry, no init()), under the single `reconciler_` prefix, plus the standard
// go_* and process_* collectors and reconciler_build_info:
//
//	reconciler_reconcile_total{result,trigger}          counter, every combination from 0
//	reconciler_reconcile_duration_seconds{phase}        histogram: load, observe, plan, apply
//	reconciler_reconcile_errors_total{phase}            counter
//	reconciler_apply_actions_total{action,result}       counter: create_container/done, ...
//	reconciler_plan_changes{action}                     gauge: add, change, destroy of the last plan
//	reconciler_drift_detected_total                     counter
//	reconciler_config_last_reload_successful            gauge 0/1
//	reconciler_config_last_reload_success_timestamp_seconds
//	reconciler_last_reconcile_success_timestamp_seconds
//	reconciler_file_events_total{op}                    counter
//	reconciler_resources{project,kind,state}            scrape time: desired vs observed (and running)
//	reconciler_service_info{project,service,image}      scrape time, 1
//	reconciler_service_replicas{project,service,state}  scrape time: desired, ready
//	reconciler_service_ready{project,service}           scrape time, 0/1
//
// The per-service and resource series are computed at scrape time from the last
// snapshot, so a service removed from the file disappears from the next scrape.
//
// Usage:
//
//	reg := prometheus.NewRegistry()
//	m := metrics.New(reg)
//	srv, err := metrics.Listen(metrics.DefaultAddr, metrics.Handler(reg, m))
//	if err != nil {
//		return err
//	}
//	defer srv.Shutdown(context.Background())
//	// the reconcile loop calls m.RecordPass(...) after every pass and
//	// m.RecordFileEvent(op) for every watched file event.
package metrics
