package prometheus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bounds of the waits in this test; they are deadlines, never sleeps.
const (
	buildTimeout = 5 * time.Minute
	waitTimeout  = 2 * time.Minute
	pollInterval = 200 * time.Millisecond
)

// moduleRoot is the directory holding go.mod, found from this package upwards.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// cleanEnv is the environment without variables that would change what the
// reconciler loads or where its state lives.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "COMPOSE_") || strings.HasPrefix(k, "RECONCILER_") || k == "XDG_STATE_HOME" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a started background process whose exit is observed once.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

func start(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(args[0], args[1:]...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits (bounded) for the exit; it returns the exit error.
func (p *proc) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil && !p.exited() {
		t.Fatalf("signal %s: %v", p.name, err)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(waitTimeout):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not exit within %s of %v; output:\n%s", p.name, waitTimeout, sig, p.out)
		return nil
	}
}

// poll calls check every pollInterval until it returns true, failing the test
// at the deadline or when a watched process exits first.
func poll(t *testing.T, what string, procs []*proc, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	last := ""
	for {
		ok, detail := check()
		if ok {
			return
		}
		last = detail
		for _, p := range procs {
			if p.exited() {
				t.Fatalf("waiting for %s: %s exited (%v); output:\n%s", what, p.name, p.err, p.out)
			}
		}
		if time.Now().After(deadline) {
			var outs []string
			for _, p := range procs {
				outs = append(outs, fmt.Sprintf("--- %s\n%s", p.name, p.out))
			}
			t.Fatalf("no %s within %s; last: %s\n%s", what, waitTimeout, last, strings.Join(outs, "\n"))
		}
		<-tick.C
	}
}

// httpGet returns the body of a 200 response.
func httpGet(u string) ([]byte, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("GET %s: %s: %s", u, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

// sample is one series of an instant-vector answer of /api/v1/query.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"` // [unix time, "value"]
}

// promQuery runs an instant query against Prometheus's HTTP API.
func promQuery(promAddr, q string) ([]sample, error) {
	b, err := httpGet("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("query %q: %v: %s", q, err, b)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", q, r.Error)
	}
	if r.Data.ResultType != "vector" {
		return nil, nil // scalar answers (e.g. vector(0) folded) carry no series
	}
	var out []sample
	if err := json.Unmarshal(r.Data.Result, &out); err != nil {
		return nil, fmt.Errorf("query %q: %v", q, err)
	}
	return out, nil
}
