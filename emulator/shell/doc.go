// Package shell is the emulator's deterministic command interpreter: it "runs"
// a container's command (or an exec, a health probe, a Dockerfile RUN) without
// any process, and describes what the command printed, when, and how it ended.
//
// It owns: parsing of `sh -c` scripts (`;` `&&` `||` `|`, quoting, `$X ${X}
// ${X:-d}`, NAME=value prefixes, redirections `>` `>>` `<` `2>&1` `>&2` `&>`);
// the builtin tools (echo, printf, sleep, true, false, exit, cat, env, printenv,
// hostname, id, whoami, pwd, cd, export, ls, mkdir, touch, rm, cp, mv, test/[,
// grep, head, tail, wc, basename, dirname, exec, tini, gosu); reachability
// probes (getent hosts, nslookup, ping -c, nc -z, wget, curl) answered by a
// Resolver; database probes (pg_isready, redis-cli ping, mysqladmin ping,
// mongosh, healthcheck.sh) answered by the Ready predicate; and the catalog's
// long-running servers (nginx, postgres, redis-server, mysqld, mariadbd, mongod,
// httpd-foreground, traefik, prometheus, grafana, generic app runners) with
// their start-up lines and start-up delay.
//
// Invariants:
//   - Pure: Run is a function of (argv, Context, filesystem contents). There is
//     no clock, goroutine or randomness; simulated time only advances through
//     `sleep`, ping intervals and server start-up, and is reported as offsets.
//   - Effects on Context.FS (redirections, touch, mkdir, rm, postgres' data
//     directory) happen during Run, in order.
//   - Never-ending commands (servers, `sleep infinity`, `tail -f`, a shell or REPL
//     with OpenStdin) stop interpretation: Result.RunsForever is set and, for a
//     server, Result.Server says when it is ready and on which ports.
//   - Errors are typed: *SyntaxError (ErrSyntax / ErrUnsupported) for scripts,
//     *NotFoundError (ErrNotFound) for an unknown exec-form executable, whose
//     Error() is dockerd's start message (exit code 127).
//
// Usage sketch (the engine, at container start):
//
//	res, err := shell.Run(shell.Context{
//		Env: cfg.Env, Dir: cfg.WorkingDir, User: cfg.User, Hostname: cfg.Hostname,
//		FS: containerFS, Resolver: netView, Image: "postgres",
//	}, append(cfg.Entrypoint, cfg.Cmd...))
//	var nf *shell.NotFoundError
//	if errors.As(err, &nf) { /* start fails: 400 nf.Error(), ExitCode 127 */ }
//	for _, l := range res.Lines() { log(start.Add(l.Offset), l.Stream, l.Render(start)) }
//
// Health probes and execs use the same Run with Context.Ready telling whether the
// container's own server is ready at the probe time (package process does this).
package shell
