package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// errorBody is dockerd's error response.
type errorBody struct {
	Message string `json:"message"`
}

// requestError is a bad request detected by the handler itself, before any backend
// call. Its class is an errdefs sentinel, so statusOf treats it like a backend error.
type requestError struct {
	kind error
	msg  string
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.kind }

func invalidf(format string, args ...any) error {
	return &requestError{kind: cerrdefs.ErrInvalidArgument, msg: fmt.Sprintf(format, args...)}
}

func internalf(format string, args ...any) error {
	return &requestError{kind: cerrdefs.ErrInternal, msg: fmt.Sprintf(format, args...)}
}

// ErrNotImplemented is the class of the error answered (501) when the backend lacks
// an optional capability.
var ErrNotImplemented = cerrdefs.ErrNotImplemented

func notImplemented(what, iface string) error {
	return &requestError{kind: cerrdefs.ErrNotImplemented, msg: fmt.Sprintf("%s is not supported by this engine (backend does not implement api.%s)", what, iface)}
}

// statusOf maps an error's errdefs class to dockerd's HTTP status.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case cerrdefs.IsNotFound(err):
		return http.StatusNotFound
	case cerrdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case cerrdefs.IsConflict(err), cerrdefs.IsAlreadyExists(err):
		return http.StatusConflict
	case cerrdefs.IsNotModified(err):
		return http.StatusNotModified
	case cerrdefs.IsUnauthorized(err):
		return http.StatusUnauthorized
	case cerrdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case cerrdefs.IsFailedPrecondition(err):
		return http.StatusPreconditionFailed
	case cerrdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	case cerrdefs.IsNotImplemented(err):
		return http.StatusNotImplemented
	case cerrdefs.IsResourceExhausted(err):
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

func writeError(w http.ResponseWriter, err error) {
	code := statusOf(err)
	if code == http.StatusNotModified {
		w.WriteHeader(code)
		return
	}
	writeJSON(w, code, errorBody{Message: err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// json answers code with v encoded; the call counts as written.
func (c *call) json(code int, v any) error {
	c.wrote = true
	writeJSON(c.w, code, v)
	return nil
}

// status answers code with an empty body.
func (c *call) status(code int) error {
	c.wrote = true
	c.w.WriteHeader(code)
	return nil
}

// boolValue is moby's httputils.BoolValue: lower-cased and trimmed, "", "0", "no",
// "false" and "none" are false, anything else is true (docker-py sends "True").
func boolValue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

func (c *call) qbool(name string) bool { return boolValue(c.r.URL.Query().Get(name)) }

// qboolDefault is boolValue, or def when the parameter is absent (an empty value
// is present: false).
func (c *call) qboolDefault(name string, def bool) bool {
	q := c.r.URL.Query()
	if !q.Has(name) {
		return def
	}
	return boolValue(q.Get(name))
}

func (c *call) q(name string) string { return c.r.URL.Query().Get(name) }

// qint parses an optional integer parameter.
func (c *call) qint(name string) (int, bool, error) {
	s := c.q(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false, invalidf("invalid value for %s: %q: %v", name, s, err)
	}
	return n, true, nil
}

// filters decodes the "filters" parameter in both encodings dockerd accepts: the
// map form {"label":{"a=b":true}} (docker CLI, moby client) and the list form
// {"label":["a=b"]} (docker-py). The map's booleans are ignored, as dockerd does.
func (c *call) filters() (client.Filters, error) {
	return parseFilters(c.q("filters"))
}

func parseFilters(raw string) (client.Filters, error) {
	out := client.Filters{}
	if raw == "" {
		return out, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, invalidf("invalid filter: %v", err)
	}
	for k, v := range m {
		var list []string
		if err := json.Unmarshal(v, &list); err == nil {
			out.Add(k, list...)
			if len(list) == 0 {
				out[k] = map[string]bool{}
			}
			continue
		}
		var set map[string]bool
		if err := json.Unmarshal(v, &set); err != nil {
			return nil, invalidf("invalid filter: value of %q must be a list or a map of strings to booleans", k)
		}
		out[k] = map[string]bool{}
		for val := range set {
			out[k][val] = true
		}
	}
	return out, nil
}

// readJSON decodes the request's JSON body into out as dockerd's httputils.ReadJSON
// does: no body is no error; another Content-Type, malformed JSON and trailing
// content are invalid arguments; the body is bounded by Options.MaxBodyBytes.
func (c *call) readJSON(out any) error {
	ct := c.r.Header.Get("Content-Type")
	if ct == "" && c.r.ContentLength == 0 {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return invalidf("Content-Type specified (%s) must be 'application/json'", ct)
	}
	if c.r.ContentLength == 0 {
		return nil
	}
	body := io.Reader(c.r.Body)
	if c.h.opts.MaxBodyBytes > 0 {
		body = http.MaxBytesReader(c.w, c.r.Body, c.h.opts.MaxBodyBytes)
	}
	dec := json.NewDecoder(body)
	if err := dec.Decode(out); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return tooLarge
		case errors.Is(err, io.EOF):
			return invalidf("invalid JSON: got EOF while reading request body")
		case !c.at("1.42"):
			// dockerd 20.10 (API 1.41) answered 500 with the decoder's text.
			return internalf("%v", err)
		default:
			return invalidf("invalid JSON: %v", err)
		}
	}
	if dec.More() {
		return invalidf("unexpected content after JSON")
	}
	return nil
}

// versionLess reports whether API version a is older than b ("1.9" < "1.41").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// flush sends what was written so far (stream endpoints).
func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// streamJSON starts a 200 JSON stream: header written and flushed at once, so the
// client sees the response before the first item.
func (c *call) startStream(contentType string) {
	c.wrote = true
	if contentType != "" {
		c.w.Header().Set("Content-Type", contentType)
	}
	c.w.WriteHeader(http.StatusOK)
	flush(c.w)
}

// copyStream copies r to the response, flushing after every read, until r ends or
// the client goes away.
func (c *call) copyStream(r io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := c.w.Write(buf[:n]); werr != nil {
				return werr
			}
			flush(c.w)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
	}
}
