// Command reconciler keeps Compose stacks converged.
//
// This package is wiring only: cobra commands and flags (docker compose's
// conventions), turning flags into spec.Options / planner.Options, opening the
// engine, and mapping errors to exit codes. Loading lives in spec, planning in
// planner, observing and executing in reconciler, rendering in reconciler/progress.
//
// Exit codes: 0 success; 1 error (invalid file, failed action, timeout, bad flag);
// 2 only for `plan --detailed-exitcode` when changes are pending.
//
// Usage:
//
//	reconciler up -f compose.yaml
//	reconciler plan --detailed-exitcode
//	reconciler down -p demo
package main
