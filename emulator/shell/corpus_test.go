package shell

import (
	"strings"
	"testing"
	"time"
)

// TestComposeCommands runs command lines of the kind found in compose files
// (docker/compose e2e fixtures, Apache-2.0; awesome-compose, CC0) through the
// interpreter as `command:` in shell form gives them (sh -c for strings that
// compose splits; here the exec form compose produces).
func TestComposeCommands(t *testing.T) {
	for _, tc := range []struct {
		argv    []string
		exit    int
		forever bool
		stdout  string
		dur     time.Duration
	}{
		{argv: []string{"sleep", "infinity"}, forever: true},
		{argv: []string{"sh", "-c", "while true; do sleep 1; done"}, forever: true, dur: 1000 * time.Second},
		{argv: []string{"top"}, forever: true, stdout: "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND\n    1     0 root     R     1624   0%   0   0% top\n"},
		{argv: []string{"sh", "-c", "sleep 30"}, dur: 30 * time.Second},
		{argv: []string{"tail", "-f", "/dev/null"}, forever: true},
		{argv: []string{"/bin/true"}},
		{argv: []string{"sh", "-c", "exit 17"}, exit: 17},
		{argv: []string{"sh", "-c", "return 111"}, exit: 111},
		{argv: []string{"sh", "-c", "sleep 0.1 && echo world && /bin/false"}, exit: 1, stdout: "world\n", dur: 100 * time.Millisecond},
		{argv: []string{"ash", "-c", "if [[ -f /tmp/restart.lock ]] ; then sleep infinity; else touch /tmp/restart.lock; fi"}},
		{argv: []string{"sh", "-c", "if [ -t 0 ]; then echo 'TTY detected'; else echo 'No TTY detected'; fi"}, stdout: "No TTY detected\n"},
		{argv: []string{"sh", "-c", "echo v1 >> /tmp/versions.txt && cat /tmp/versions.txt"}, stdout: "v1\n"},
		{argv: []string{"ping", "localhost", "-c", "1"}, stdout: "PING localhost (127.0.0.1): 56 data bytes\n64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.080 ms\n\n--- localhost ping statistics ---\n1 packets transmitted, 1 packets received, 0% packet loss\nround-trip min/avg/max = 0.080/0.080/0.080 ms\n"},
		{argv: []string{"ping", "localhost"}, forever: true, stdout: "PING localhost (127.0.0.1): 56 data bytes\n64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.080 ms\n"},
		{argv: []string{"echo", "Hello from main"}, stdout: "Hello from main\n"},
		{argv: []string{"nginx", "-t"}},
		{argv: []string{"gunicorn", "-w", "3", "-t", "60", "-b", "0.0.0.0:8000", "app:app"}, forever: true, dur: 500 * time.Millisecond},
		{argv: []string{"npm", "run", "start-watch"}, forever: true, dur: 500 * time.Millisecond},
		{argv: []string{"ip", "link", "show"}, stdout: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
	} {
		res, err := Run(baseCtx(), tc.argv)
		if err != nil || res.ExitCode != tc.exit || res.RunsForever != tc.forever || res.Duration != tc.dur {
			t.Errorf("%q: exit %d forever %v duration %v err %v (stderr %q)", tc.argv, res.ExitCode, res.RunsForever, res.Duration, err, texts(res.Stderr))
		}
		if got := texts(res.Stdout); got != tc.stdout {
			t.Errorf("%q: stdout %q, want %q", tc.argv, got, tc.stdout)
		}
	}
}

func TestComposeHealthchecks(t *testing.T) {
	for _, tc := range []struct {
		test          string
		down, upReady int
	}{
		{`mysqladmin ping -h 127.0.0.1 --password="$(cat /run/secrets/db-password)" --silent`, 1, 0},
		{`wget --spider -S -T1 http://localhost:80`, 1, 0},
		{`echo | nc -w 5 localhost:80`, 1, 0},
		{`pg_isready -U postgres`, 2, 0},
		{`curl --silent --fail localhost:9200/_cluster/health || exit 1`, 1, 0},
		{`/opt/mssql-tools/bin/sqlcmd -S localhost -U sa -P example_123 -Q 'SELECT 1' || exit 1`, 1, 0},
		{`false`, 1, 1},
	} {
		for _, ready := range []bool{false, true} {
			c := baseCtx()
			_ = c.FS.MkdirAll("/run/secrets")
			_ = c.FS.WriteFile("/run/secrets/db-password", []byte("pw\n"))
			c.Ready = func(int) bool { return ready }
			res, err := RunScript(c, tc.test)
			want := tc.down
			if ready {
				want = tc.upReady
			}
			if err != nil || res.ExitCode != want {
				t.Errorf("%q ready=%v: exit %d, want %d (err %v, stderr %q)", tc.test, ready, res.ExitCode, want, err, texts(res.Stderr))
			}
		}
	}
}

func TestVirtualFiles(t *testing.T) {
	run := func(host string) string {
		c := baseCtx()
		c.Hostname = host
		res, err := RunScript(c, `cat /proc/sys/kernel/random/uuid; echo $(cat /proc/sys/kernel/random/uuid); cat /etc/hostname`)
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		return texts(res.Stdout)
	}
	a, b, other := run("aaa"), run("aaa"), run("bbb")
	lines := strings.Split(a, "\n")
	if a != b || a == other || len(lines) != 4 || lines[0] == lines[1] || len(lines[0]) != 36 || lines[0][14] != '4' || lines[2] != "aaa" {
		t.Errorf("uuids: %q / %q / %q", a, b, other)
	}
}
