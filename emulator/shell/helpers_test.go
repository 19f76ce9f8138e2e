package shell

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeNet is a Resolver: names map to addresses; open lists "host:port".
type fakeNet struct {
	names map[string][]string
	open  map[string]bool
}

func (f fakeNet) LookupHost(name string) ([]string, bool) {
	a, ok := f.names[name]
	return a, ok
}

func (f fakeNet) Dial(host string, port int) bool {
	return f.open[host+":"+strconv.Itoa(port)]
}

var testNet = fakeNet{
	names: map[string][]string{"db": {"172.18.0.2"}, "web": {"172.18.0.3"}},
	open:  map[string]bool{"db:5432": true, "web:80": true, "172.18.0.3:80": true},
}

func texts(ls []Line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Render(time.Time{}))
		b.WriteByte('\n')
	}
	return b.String()
}

func baseCtx() Context {
	return Context{
		Env:      []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=c0ffee", "GREETING=hello world"},
		Hostname: "c0ffee",
		FS:       NewMemFS("/tmp", "/data", "/etc"),
		Resolver: testNet,
	}
}

type scriptCase struct {
	name   string
	script string
	exit   int
	stdout string
	stderr string
	dur    time.Duration
}

func runCases(t *testing.T, cases []scriptCase, mk func() Context) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := RunScript(mk(), tc.script)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if res.ExitCode != tc.exit {
				t.Errorf("exit = %d, want %d (stderr %q)", res.ExitCode, tc.exit, texts(res.Stderr))
			}
			if got := texts(res.Stdout); got != tc.stdout {
				t.Errorf("stdout = %q, want %q", got, tc.stdout)
			}
			if got := texts(res.Stderr); got != tc.stderr {
				t.Errorf("stderr = %q, want %q", got, tc.stderr)
			}
			if res.Duration != tc.dur {
				t.Errorf("duration = %v, want %v", res.Duration, tc.dur)
			}
		})
	}
}
