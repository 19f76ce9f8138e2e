// Package shell is the emulator's deterministic command interpreter: it "runs"
// a container's command (or an exec, a health probe, a Dockerfile RUN) without
// any process, and describes what the command printed, when, and how it ended.
//
// It owns: parsing of `sh -c` scripts (`;` `&&` `||` `|` `!`, if/elif/else/fi,
// for/while/until loops with break and continue (a loop past 1000 iterations
// runs forever), quoting, `$X ${X} ${X:-d} ${X:+a} ${#X}`, `$(...)` and
// backticks, `$((arith))`, NAME=value prefixes, redirections `>` `>>` `<`
// `2>&1` `>&2` `&>`); the builtin tools (echo, printf, sleep, true, false,
// exit/return, cat, env, printenv, hostname, id, whoami, pwd, cd, export, set -e,
// ls, mkdir, touch, rm, cp, mv, test/[/[[, grep, head, tail, wc, basename,
// dirname, exec, tini, gosu, top, ip; package managers and chmod succeed
// silently); reachability probes (getent hosts, nslookup, ping -c, nc -z, wget,
// curl) answered by a Resolver; database probes (pg_isready, redis-cli,
// mysqladmin, mongosh, sqlcmd, healthcheck.sh) answered by the Ready predicate
// for the container itself; and the catalog's long-running servers (nginx,
// postgres, redis-server, mysqld, mariadbd, mongod, httpd-foreground, traefik,
// prometheus, grafana, and generic app runners such as gunicorn, node app.js,
// /usr/local/bin/app) with their start-up lines, start-up delay, ports and the
// signals they handle. case, subshells, functions and background jobs are
// reported as ErrUnsupported.
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
