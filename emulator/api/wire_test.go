package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// httpEmulator serves an in-memory emulator with NewHandler on an httptest server.
func httpEmulator(t *testing.T, opts api.Options) (*httptest.Server, *emulator.Engine) {
	t.Helper()
	eng, err := emulator.Open(":memory:", emulator.WithClock(clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))))
	if err != nil {
		t.Fatal(err)
	}
	opts.RequestContext = emulator.WithNotModifiedErrors
	srv := httptest.NewServer(api.NewHandler(eng, opts))
	t.Cleanup(func() { srv.Close(); eng.Close() })
	return srv, eng
}

type reply struct {
	code   int
	header http.Header
	body   string
}

func do(t *testing.T, srv *httptest.Server, method, path, contentType, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// message decodes dockerd's {"message": ...} error body.
func message(t *testing.T, r reply) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type = %q, want application/json (body %q)", ct, r.body)
	}
	var m struct{ Message string }
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return m.Message
}

// snapshot is everything a bad request must leave unchanged.
func snapshot(t *testing.T, eng *emulator.Engine) string {
	t.Helper()
	ctx := context.Background()
	cs, err := eng.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := eng.NetworkList(ctx, client.NetworkListOptions{})
	vs, _ := eng.VolumeList(ctx, client.VolumeListOptions{})
	is, _ := eng.ImageList(ctx, client.ImageListOptions{All: true})
	b, _ := json.Marshal([]any{cs.Items, ns.Items, vs.Items, is.Items})
	return string(b)
}

// TestBadInputOverTheWire sends what a broken or hostile client might: each gets
// dockerd's status and message, the engine is unchanged, and the server goes on
// serving.
func TestBadInputOverTheWire(t *testing.T) {
	srv, eng := httpEmulator(t, api.Options{MaxBodyBytes: 4096})
	const js = "application/json"
	big := `{"Image":"busybox","Labels":{"x":"` + strings.Repeat("y", 8192) + `"}}`
	tests := []struct {
		name, method, path, ctype, body string
		code                            int
		msg                             string // exact message ("" = don't check)
		plain                           bool   // text/plain body instead of JSON
	}{
		{"version too new", "GET", "/v1.99/version", "", "", 400, "client version 1.99 is too new. Maximum supported API version is " + api.MaxAPIVersion, false},
		{"version too old", "GET", "/v1.40/containers/json", "", "", 400, "client version 1.40 is too old. Minimum supported API version is " + api.MinAPIVersion + ", please upgrade your client to a newer version", true},
		{"not a version", "GET", "/vX/version", "", "", 404, "page not found", false},
		{"unknown endpoint", "GET", "/v1.41/nope", "", "", 404, "page not found", false},
		{"unknown endpoint unversioned", "GET", "/containers/x/nope", "", "", 404, "page not found", false},
		{"wrong method ping", "POST", "/v1.41/_ping", "", "", 404, "page not found", false},
		{"wrong method inspect", "POST", "/containers/x/json", "", "", 404, "page not found", false},
		{"wrong method create", "GET", "/containers/create", "", "", 404, "page not found", false},
		{"truncated JSON", "POST", "/containers/create?name=trunc", js, `{"Image":"busybox"`, 400, "invalid JSON: unexpected EOF", false},
		{"truncated JSON at 1.41", "POST", "/v1.41/containers/create?name=trunc", js, `{"Image":"busybox"`, 500, "unexpected EOF", false},
		{"not JSON", "POST", "/networks/create", js, `name=x`, 400, "invalid JSON: invalid character 'a' in literal null (expecting 'u')", false},
		{"trailing content", "POST", "/volumes/create", js, `{"Name":"v1"} {"Name":"v2"}`, 400, "unexpected content after JSON", false},
		{"wrong type in field", "POST", "/volumes/create", js, `{"Name":5}`, 400, "", false},
		{"form content type", "POST", "/networks/create", "application/x-www-form-urlencoded", `{"Name":"n"}`, 400, "Content-Type specified (application/x-www-form-urlencoded) must be 'application/json'", false},
		{"oversized body", "POST", "/containers/create?name=big", js, big, 413, "http: request body too large", false},
		{"create without a body", "POST", "/containers/create?name=empty", "", "", 400, "Config cannot be empty in order to create a container", false},
		{"create with null", "POST", "/containers/create?name=empty", js, "null", 400, "Config cannot be empty in order to create a container", false},
		{"filters not JSON", "GET", "/containers/json?filters=label", "", "", 400, "", false},
		{"filters bad shape", "GET", "/volumes?filters=%7B%22label%22%3A5%7D", "", "", 400, `invalid filter: value of "label" must be a list or a map of strings to booleans`, false},
		{"bad limit", "GET", "/containers/json?limit=many", "", "", 400, "", false},
		{"bad wait condition", "POST", "/containers/x/wait?condition=bogus", "", "", 400, `invalid condition: "bogus"`, false},
		{"bad events since", "GET", "/events?since=yesterday", "", "", 400, "", false},
		{"archive without path", "GET", "/containers/x/archive", "", "", 400, "bad parameter: path cannot be empty", false},
		{"missing container", "POST", "/containers/nope/start", "", "", 404, "No such container: nope", false},
		{"import unsupported", "POST", "/images/create?fromSrc=-", "", "", 501, "", false},
	}
	before := snapshot(t, eng)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, srv, tt.method, tt.path, tt.ctype, tt.body)
			if r.code != tt.code {
				t.Fatalf("status = %d, want %d (body %q)", r.code, tt.code, r.body)
			}
			var got string
			if tt.plain {
				if !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
					t.Errorf("Content-Type = %q, want text/plain", r.header.Get("Content-Type"))
				}
				got = strings.TrimSpace(r.body)
			} else {
				got = message(t, r)
			}
			if tt.msg != "" && got != tt.msg {
				t.Errorf("message = %q, want %q", got, tt.msg)
			}
			if r.header.Get("Api-Version") != api.MaxAPIVersion || r.header.Get("Ostype") != "linux" {
				t.Errorf("missing dockerd headers: %v", r.header)
			}
			if after := snapshot(t, eng); after != before {
				t.Errorf("engine changed:\nbefore %s\nafter  %s", before, after)
			}
			if p := do(t, srv, "GET", "/_ping", "", ""); p.code != 200 || p.body != "OK" {
				t.Errorf("server stopped serving: ping %d %q", p.code, p.body)
			}
		})
	}
}

// TestPingAndVersion checks the negotiation surface clients read.
func TestPingAndVersion(t *testing.T) {
	srv, _ := httpEmulator(t, api.Options{})
	for _, m := range []string{"GET", "HEAD"} {
		r := do(t, srv, m, "/_ping", "", "")
		want := map[string]string{"Api-Version": api.MaxAPIVersion, "Docker-Experimental": "false", "Ostype": "linux", "Builder-Version": "1", "Swarm": "inactive", "Cache-Control": "no-cache, no-store, must-revalidate", "Pragma": "no-cache"}
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s /_ping %s = %q, want %q", m, k, got, v)
			}
		}
		if !strings.HasPrefix(r.header.Get("Server"), "Docker/") {
			t.Errorf("Server = %q", r.header.Get("Server"))
		}
		wantBody := map[string]string{"GET": "OK", "HEAD": ""}[m]
		if r.code != 200 || r.body != wantBody {
			t.Errorf("%s /_ping = %d %q", m, r.code, r.body)
		}
	}
	// docker-py reads ApiVersion from the unversioned /version.
	r := do(t, srv, "GET", "/version", "", "")
	var v struct{ ApiVersion, MinAPIVersion, Os string }
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.code != 200 {
		t.Fatalf("/version = %d %q: %v", r.code, r.body, err)
	}
	if v.ApiVersion != api.MaxAPIVersion || v.MinAPIVersion != api.MinAPIVersion || v.Os != "linux" {
		t.Errorf("/version = %+v", v)
	}
	for _, p := range []string{"/v1.41/_ping", "/v1.44/info", "/v" + api.MaxAPIVersion + "/version"} {
		if r := do(t, srv, "GET", p, "", ""); r.code != 200 {
			t.Errorf("GET %s = %d %q", p, r.code, r.body)
		}
	}
}

// TestNotModified checks that start-when-running and stop-when-stopped answer an
// empty 304, as dockerd does.
func TestNotModified(t *testing.T) {
	srv, eng := httpEmulator(t, api.Options{})
	ctx := context.Background()
	rc, err := eng.ImagePull(ctx, "busybox", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	r := do(t, srv, "POST", "/containers/create?name=nm", "application/json", `{"Image":"busybox","Cmd":["sleep","300"]}`)
	if r.code != 201 {
		t.Fatalf("create = %d %q", r.code, r.body)
	}
	var created container.CreateResponse
	if err := json.Unmarshal([]byte(r.body), &created); err != nil || len(created.ID) != 64 || created.Warnings == nil {
		t.Fatalf("create body %q: %v (Warnings must be [] not null)", r.body, err)
	}
	steps := []struct {
		path string
		code int
	}{
		{"/containers/nm/stop", 304},
		{"/containers/nm/start", 204},
		{"/containers/nm/start", 304},
		{"/containers/nm/stop?t=0", 204},
		{"/containers/nm/stop", 304},
	}
	for _, s := range steps {
		r := do(t, srv, "POST", s.path, "", "")
		if r.code != s.code || r.body != "" {
			t.Errorf("POST %s = %d %q, want %d and no body", s.path, r.code, r.body, s.code)
		}
	}
}

// TestFiltersBothEncodings lists with the CLI's map form and docker-py's list
// form, with docker-py's Python booleans.
func TestFiltersBothEncodings(t *testing.T) {
	srv, eng := httpEmulator(t, api.Options{})
	ctx := context.Background()
	rc, err := eng.ImagePull(ctx, "busybox", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"fa", "fb"} {
		if _, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{Name: n, Config: &container.Config{Image: "busybox", Labels: map[string]string{"app": n}}}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(path string) []string {
		r := do(t, srv, "GET", path, "", "")
		if r.code != 200 {
			t.Fatalf("GET %s = %d %q", path, r.code, r.body)
		}
		var items []container.Summary
		if err := json.Unmarshal([]byte(r.body), &items); err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, it := range items {
			out = append(out, it.Names...)
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{`/containers/json?all=1&filters={"label":{"app=fa":true}}`, []string{"/fa"}},
		{`/v1.41/containers/json?limit=-1&all=True&size=False&trunc_cmd=0&filters={"label":["app=fb"]}`, []string{"/fb"}},
		{`/containers/json?all=False`, []string{}},
		{`/containers/json?all=true&filters={"label":["app"],"name":["fa"]}`, []string{"/fa"}},
	}
	for _, tt := range tests {
		if got := names(strings.ReplaceAll(tt.path, `"`, "%22")); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("GET %s = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// TestLegacyShapes checks the fields older API versions carry and the moby types
// no longer have.
func TestLegacyShapes(t *testing.T) {
	srv, eng := httpEmulator(t, api.Options{})
	ctx := context.Background()
	rc, err := eng.ImagePull(ctx, "busybox", client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "lg", Config: &container.Config{Image: "busybox", Cmd: []string{"sleep", "300"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.ContainerStart(ctx, "lg", client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	type ns struct {
		NetworkSettings map[string]json.RawMessage
	}
	get := func(path string) map[string]json.RawMessage {
		r := do(t, srv, "GET", path, "", "")
		var v ns
		if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.code != 200 {
			t.Fatalf("GET %s = %d %q: %v", path, r.code, r.body, err)
		}
		return v.NetworkSettings
	}
	old := get("/v1.41/containers/lg/json")
	var nets map[string]struct{ IPAddress string }
	if err := json.Unmarshal(old["Networks"], &nets); err != nil {
		t.Fatal(err)
	}
	var ip string
	_ = json.Unmarshal(old["IPAddress"], &ip)
	if ip == "" || ip != nets["bridge"].IPAddress {
		t.Errorf("1.41 NetworkSettings.IPAddress = %q, want the bridge address %q", ip, nets["bridge"].IPAddress)
	}
	for _, k := range []string{"Gateway", "MacAddress", "EndpointID", "SecondaryIPAddresses", "HairpinMode"} {
		if _, ok := old[k]; !ok {
			t.Errorf("1.41 NetworkSettings lacks %s", k)
		}
	}
	if _, ok := get("/v1.52/containers/lg/json")["IPAddress"]; ok {
		t.Errorf("1.52 NetworkSettings still has IPAddress")
	}

	r := do(t, srv, "GET", "/v1.41/images/busybox/json", "", "")
	var img map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &img); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Parent", "Comment", "Author", "DockerVersion", "Container", "ContainerConfig", "VirtualSize"} {
		if _, ok := img[k]; !ok {
			t.Errorf("1.41 image inspect lacks %s", k)
		}
	}
}
