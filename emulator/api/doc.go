// Package api serves the Docker Engine API over HTTP for any engine whose methods
// have the signatures of github.com/moby/moby/client's APIClient: the emulator
// (*emulator.Engine), or anything else satisfying Backend.
//
// It owns the wire: API version negotiation (MinAPIVersion to MaxAPIVersion, paths
// with and without /vX.Y, /_ping headers, /version), query parsing as dockerd does
// it (booleans as docker-py sends them, filters in both JSON encodings), request
// bodies (Content-Type check, size bound, malformed JSON), response encoding with
// moby's api types, dockerd's status codes for errdefs error classes with
// {"message": ...} bodies, JSON progress and event streams, wait conditions that
// block across connections, and hijacked connections for attach and exec. It holds
// no engine state: every decision about objects is the backend's.
//
// Optional capabilities (logs, attach, exec, stats, build, archive) are separate
// interfaces detected by type assertion; without one, its endpoints answer 501.
//
// Usage:
//
//	eng, _ := emulator.Open(path)
//	l, _ := api.ListenUnix(sock) // mode 0600; or api.ListenTCP("tcp://127.0.0.1:2375", false)
//	err := api.Serve(ctx, l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
//
// or mount api.NewHandler(eng, opts) in any http.Server.
package api
