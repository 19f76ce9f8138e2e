package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// API versions the handler serves. MaxAPIVersion is the version of the
// github.com/moby/moby/api module whose types encode the responses (v1.57.0, its
// swagger's info.version); requests without a /vX.Y prefix are served at it.
const (
	MinAPIVersion = "1.41"
	MaxAPIVersion = "1.57"
)

// DefaultMaxBodyBytes bounds JSON request bodies when Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 16 << 20

// Options configures NewHandler and Serve. The zero value is usable.
type Options struct {
	// RequestContext, when set, derives the context every backend call receives
	// from the request's context. The emulator needs emulator.WithNotModifiedErrors
	// here so that start-when-running and stop-when-stopped answer 304 as dockerd
	// does instead of 204.
	RequestContext func(context.Context) context.Context

	// MaxBodyBytes bounds JSON request bodies (create requests, network connect,
	// ...). 0 means DefaultMaxBodyBytes; a negative value means no bound. Streams
	// (build contexts, archive uploads) are not bounded.
	MaxBodyBytes int64

	// EngineVersion is the daemon version shown in the Server header
	// ("Docker/<EngineVersion> (linux)"). Empty means: ask the backend's
	// ServerVersion once, on the first request.
	EngineVersion string

	// ShutdownTimeout bounds how long Serve waits for requests in flight after
	// its context is cancelled (0 means DefaultShutdownTimeout).
	ShutdownTimeout time.Duration

	// Logf, when set, receives one line per backend failure answered with a 5xx
	// and per recovered panic.
	Logf func(format string, args ...any)
}

// handler is the http.Handler returned by NewHandler.
type handler struct {
	b      Backend
	opts   Options
	routes []route

	versionOnce sync.Once
	engineVer   string

	// drain is cancelled when Serve shuts down: streaming requests (events, wait,
	// logs -f, attach, ...) end so that the graceful shutdown can complete.
	drain context.Context
}

// NewHandler returns an http.Handler serving the Docker Engine API, versions
// MinAPIVersion to MaxAPIVersion, over b. Paths are accepted with and without a
// /vX.Y prefix. Unknown paths and wrong methods answer 404 {"message":"page not
// found"}; backend errors answer dockerd's status for their errdefs class with
// {"message": err.Error()}. A request that fails validation never reaches the
// backend. The handler is safe for concurrent use.
func NewHandler(b Backend, opts Options) http.Handler {
	return newHandler(b, opts, context.Background())
}

func newHandler(b Backend, opts Options, drain context.Context) *handler {
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	h := &handler{b: b, opts: opts, engineVer: opts.EngineVersion, drain: drain}
	h.routes = h.table()
	return h
}

var versionPrefix = regexp.MustCompile(`^/v([0-9.]+)(/.*)$`)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var c *call
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.logf("api: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			if c == nil || !c.wrote {
				writeError(w, fmt.Errorf("internal error: %v", p))
			}
		}
	}()
	h.commonHeaders(w)

	path := r.URL.Path
	version := MaxAPIVersion
	if m := versionPrefix.FindStringSubmatch(path); m != nil {
		version, path = m[1], m[2]
		if versionLess(version, MinAPIVersion) {
			// dockerd answers this one in text/plain.
			http.Error(w, fmt.Sprintf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", version, MinAPIVersion), http.StatusBadRequest)
			return
		}
		if versionLess(MaxAPIVersion, version) {
			writeError(w, invalidf("client version %s is too new. Maximum supported API version is %s", version, MaxAPIVersion))
			return
		}
	}

	rt, vars := h.match(r.Method, path)
	if rt == nil {
		writeJSON(w, http.StatusNotFound, errorBody{Message: "page not found"})
		return
	}
	ctx := r.Context()
	if rt.stream {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(h.drain, cancel)
		defer stop()
	}
	if h.opts.RequestContext != nil {
		ctx = h.opts.RequestContext(ctx)
	}
	c = &call{w: w, r: r, ctx: ctx, vars: vars, version: version, h: h}
	if err := rt.fn(c); err != nil {
		if c.wrote {
			// Headers are gone: the error can only end the stream.
			h.logf("api: %s %s failed mid-stream: %v", r.Method, r.URL.Path, err)
			return
		}
		if code := statusOf(err); code >= 500 {
			h.logf("api: %s %s: %d %v", r.Method, r.URL.Path, code, err)
		}
		writeError(w, err)
	}
}

func (h *handler) logf(format string, args ...any) {
	if h.opts.Logf != nil {
		h.opts.Logf(format, args...)
	}
}

// commonHeaders sets what dockerd puts on every response.
func (h *handler) commonHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Api-Version", MaxAPIVersion)
	hd.Set("Docker-Experimental", "false")
	hd.Set("Ostype", "linux")
	hd.Set("Server", "Docker/"+h.engineVersion()+" (linux)")
}

func (h *handler) engineVersion() string {
	h.versionOnce.Do(func() {
		if h.engineVer != "" {
			return
		}
		h.engineVer = "dev"
		if v, err := h.b.ServerVersion(context.Background(), client.ServerVersionOptions{}); err == nil && v.Version != "" {
			h.engineVer = v.Version
		}
	})
	return h.engineVer
}

// call is one request being served.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	vars    map[string]string
	version string // negotiated API version of this request
	h       *handler
	wrote   bool // a status line was written: errors can no longer be reported
}

// at reports whether the request's API version is at least v.
func (c *call) at(v string) bool { return !versionLess(c.version, v) }

// route is one endpoint: a method and a path pattern. A segment "{x}" matches one
// path segment; "{x*}" matches one or more (image references contain slashes).
type route struct {
	method string
	segs   []string
	fn     func(*call) error
	stream bool // long-lived: ended when Serve drains
}

func (h *handler) match(method, path string) (*route, map[string]string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range h.routes {
		rt := &h.routes[i]
		if rt.method != method {
			continue
		}
		if vars, ok := matchSegs(rt.segs, parts); ok {
			return rt, vars
		}
	}
	return nil, nil
}

func matchSegs(pat, parts []string) (map[string]string, bool) {
	star := -1
	for i, s := range pat {
		if strings.HasSuffix(s, "*}") {
			star = i
		}
	}
	if star < 0 {
		if len(pat) != len(parts) {
			return nil, false
		}
		return matchFixed(pat, parts, nil)
	}
	tail := len(pat) - star - 1
	if len(parts) < len(pat) {
		return nil, false
	}
	vars, ok := matchFixed(pat[:star], parts[:star], nil)
	if !ok {
		return nil, false
	}
	vars, ok = matchFixed(pat[star+1:], parts[len(parts)-tail:], vars)
	if !ok {
		return nil, false
	}
	mid := strings.Join(parts[star:len(parts)-tail], "/")
	if mid == "" {
		return nil, false
	}
	if vars == nil {
		vars = map[string]string{}
	}
	vars[strings.TrimSuffix(strings.TrimPrefix(pat[star], "{"), "*}")] = mid
	return vars, true
}

func matchFixed(pat, parts []string, vars map[string]string) (map[string]string, bool) {
	for i, s := range pat {
		if strings.HasPrefix(s, "{") {
			if parts[i] == "" {
				return nil, false
			}
			if vars == nil {
				vars = map[string]string{}
			}
			vars[s[1:len(s)-1]] = parts[i]
			continue
		}
		if s != parts[i] {
			return nil, false
		}
	}
	return vars, true
}

func r(method, pattern string, fn func(*call) error) route {
	return route{method: method, segs: strings.Split(strings.TrimPrefix(pattern, "/"), "/"), fn: fn}
}

// streamed marks a route as long-lived.
func streamed(rt route) route {
	rt.stream = true
	return rt
}

// table lists every endpoint. Order matters only where patterns overlap: fixed
// paths come before wildcard ones.
func (h *handler) table() []route {
	return []route{
		r("GET", "/_ping", h.ping),
		r("HEAD", "/_ping", h.ping),
		r("GET", "/version", h.version),
		r("GET", "/info", h.info),
		r("GET", "/system/df", h.diskUsage),
		streamed(r("GET", "/events", h.events)),

		r("GET", "/containers/json", h.containerList),
		r("POST", "/containers/create", h.containerCreate),
		r("POST", "/containers/prune", h.containerPrune),
		r("GET", "/containers/{id}/json", h.containerInspect),
		r("GET", "/containers/{id}/top", h.containerTop),
		streamed(r("GET", "/containers/{id}/logs", h.containerLogs)),
		streamed(r("GET", "/containers/{id}/stats", h.containerStats)),
		r("POST", "/containers/{id}/start", h.containerStart),
		r("POST", "/containers/{id}/stop", h.containerStop),
		r("POST", "/containers/{id}/restart", h.containerRestart),
		r("POST", "/containers/{id}/kill", h.containerKill),
		r("POST", "/containers/{id}/pause", h.containerPause),
		r("POST", "/containers/{id}/unpause", h.containerUnpause),
		r("POST", "/containers/{id}/rename", h.containerRename),
		streamed(r("POST", "/containers/{id}/wait", h.containerWait)),
		streamed(r("POST", "/containers/{id}/attach", h.containerAttach)),
		r("POST", "/containers/{id}/exec", h.execCreate),
		r("POST", "/containers/{id}/resize", h.containerResize),
		r("POST", "/containers/{id}/update", h.containerUpdate),
		r("HEAD", "/containers/{id}/archive", h.archiveStat),
		r("GET", "/containers/{id}/archive", h.archiveGet),
		r("PUT", "/containers/{id}/archive", h.archivePut),
		r("GET", "/containers/{id}/changes", h.containerDiff),
		streamed(r("GET", "/containers/{id}/export", h.containerExport)),
		r("POST", "/commit", h.commit),
		r("DELETE", "/containers/{id}", h.containerRemove),

		streamed(r("POST", "/exec/{id}/start", h.execStart)),
		r("GET", "/exec/{id}/json", h.execInspect),
		r("POST", "/exec/{id}/resize", h.execResize),

		r("GET", "/images/json", h.imageList),
		streamed(r("POST", "/images/create", h.imageCreate)),
		r("POST", "/images/prune", h.imagePrune),
		streamed(r("GET", "/images/get", h.imageSave)),
		streamed(r("POST", "/images/load", h.imageLoad)),
		streamed(r("POST", "/build", h.build)),
		r("POST", "/build/prune", h.buildPrune),
		r("GET", "/images/{name*}/json", h.imageInspect),
		r("GET", "/images/{name*}/history", h.imageHistory),
		streamed(r("GET", "/images/{name*}/get", h.imageSave)),
		r("POST", "/images/{name*}/tag", h.imageTag),
		r("DELETE", "/images/{name*}", h.imageRemove),

		r("GET", "/networks", h.networkList),
		r("GET", "/networks/", h.networkList),
		r("POST", "/networks/create", h.networkCreate),
		r("POST", "/networks/prune", h.networkPrune),
		r("GET", "/networks/{id}", h.networkInspect),
		r("POST", "/networks/{id}/connect", h.networkConnect),
		r("POST", "/networks/{id}/disconnect", h.networkDisconnect),
		r("DELETE", "/networks/{id}", h.networkRemove),

		r("GET", "/volumes", h.volumeList),
		r("POST", "/volumes/create", h.volumeCreate),
		r("POST", "/volumes/prune", h.volumePrune),
		r("GET", "/volumes/{name}", h.volumeInspect),
		r("DELETE", "/volumes/{name}", h.volumeRemove),
	}
}
