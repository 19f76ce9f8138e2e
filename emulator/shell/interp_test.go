package shell

import (
	"errors"
	"testing"
	"time"
)

func TestScripts(t *testing.T) {
	runCases(t, []scriptCase{
		{name: "echo", script: `echo hi there`, stdout: "hi there\n"},
		{name: "echo -n", script: `echo -n a; echo b`, stdout: "ab\n"},
		{name: "echo -e", script: `echo -e 'a\tb\nc'`, stdout: "a\tb\nc\n"},
		{name: "sequence", script: `echo a; echo b`, stdout: "a\nb\n"},
		{name: "newlines", script: "echo a\necho b\n", stdout: "a\nb\n"},
		{name: "and", script: `true && echo yes`, stdout: "yes\n"},
		{name: "and short-circuit", script: `false && echo yes`, exit: 1},
		{name: "or", script: `false || echo fallback`, stdout: "fallback\n"},
		{name: "or short-circuit", script: `true || echo no`},
		{name: "chain", script: `false && echo a || echo b`, stdout: "b\n"},
		{name: "exit code", script: `exit 3`, exit: 3},
		{name: "exit stops", script: `echo a; exit 4; echo b`, stdout: "a\n", exit: 4},
		{name: "exit wraps", script: `exit 257`, exit: 1},
		{name: "exit last status", script: `false; exit`, exit: 1},
		{name: "exit bad", script: `exit x`, exit: 2, stderr: "sh: exit: Illegal number: x\n"},
		{name: "status var", script: `false; echo $?`, stdout: "1\n"},
		{name: "env var", script: `echo $HOSTNAME ${HOSTNAME}`, stdout: "c0ffee c0ffee\n"},
		{name: "default", script: `echo ${NOPE:-dflt} ${HOSTNAME:-x}`, stdout: "dflt c0ffee\n"},
		{name: "default nested", script: `echo ${NOPE:-${HOSTNAME}}`, stdout: "c0ffee\n"},
		{name: "default empty vs unset", script: `E=; echo "[${E-u}] [${E:-d}]"`, stdout: "[] [d]\n"},
		{name: "alternate", script: `echo "${HOSTNAME:+set}${NOPE:+unset}"`, stdout: "set\n"},
		{name: "length", script: `echo ${#HOSTNAME}`, stdout: "6\n"},
		{name: "assign", script: `X=1; Y="$X 2"; echo "$Y"`, stdout: "1 2\n"},
		{name: "field splitting", script: `printf '[%s]' $GREETING; echo`, stdout: "[hello][world]\n"},
		{name: "quoted no split", script: `printf '[%s]' "$GREETING"; echo`, stdout: "[hello world]\n"},
		{name: "unset var vanishes", script: `printf '[%s]' a $NOPE b; echo`, stdout: "[a][b]\n"},
		{name: "empty quotes are an argument", script: `printf '[%s]' a "" b; echo`, stdout: "[a][][b]\n"},
		{name: "single quotes literal", script: `echo '$HOSTNAME "x"'`, stdout: "$HOSTNAME \"x\"\n"},
		{name: "double quote escapes", script: `echo "a\"b\$c\\d"`, stdout: "a\"b$c\\d\n"},
		{name: "backslash", script: `echo a\ b`, stdout: "a b\n"},
		{name: "comment", script: `echo a # not this`, stdout: "a\n"},
		{name: "prefix assignment", script: `FOO=bar printenv FOO; echo "[$FOO]"`, stdout: "bar\n[]\n"},
		{name: "export", script: `X=1; printenv X; export X; printenv X`, stdout: "1\n", exit: 0},
		{name: "positional", script: `set -- ignored; echo $0`, stdout: "sh\n"},
		{name: "printf", script: `printf '%s=%d\n' a 1 b 2`, stdout: "a=1\nb=2\n"},
		{name: "printf width", script: `printf '%5s|%-3d|%03d\n' x 7 5`, stdout: "    x|7  |005\n"},
		{name: "printf bad number", script: `printf '%d\n' x`, stdout: "0\n", stderr: "printf: invalid number 'x'\n", exit: 1},
		{name: "sleep", script: `echo a; sleep 2; echo b; sleep 0.5`, stdout: "a\nb\n", dur: 2500 * time.Millisecond},
		{name: "sleep units", script: `sleep 1m 1s`, dur: 61 * time.Second},
		{name: "printf huge width is capped", script: `printf '%99999999s|\n' x`, stdout: "x|\n"},
		{name: "sleep huge is capped", script: `sleep 1e300`, dur: maxSleep},
		{name: "sleep NaN", script: `sleep nan`, exit: 1, stderr: "sleep: invalid number 'nan'\n"},
		{name: "sleep bad", script: `sleep x`, exit: 1, stderr: "sleep: invalid number 'x'\n"},
		{name: "true false", script: `true; false`, exit: 1},
		{name: "not found", script: `nosuchcmd arg`, exit: 127, stderr: "sh: nosuchcmd: not found\n"},
		{name: "not found continues", script: `nosuchcmd || echo recovered`, stdout: "recovered\n", stderr: "sh: nosuchcmd: not found\n"},
		{name: "bash -c not found", script: `bash -c 'nope'`, exit: 127, stderr: "bash: line 1: nope: command not found\n"},
		{name: "nested sh -c", script: `sh -c 'echo inner; exit 5'; echo $?`, stdout: "inner\n5\n"},
		{name: "nested sh args", script: `sh -c 'echo $0 $1' zero one`, stdout: "zero one\n"},
		{name: "set -e", script: `set -e; false; echo no`, exit: 1},
		{name: "set -e tested", script: `set -e; false || true; echo yes`, stdout: "yes\n"},
		{name: "sh -ec", script: `sh -ec 'false; echo no'`, exit: 1},
		{name: "pipe", script: `printf 'a\nb\nab\n' | grep a`, stdout: "a\nab\n"},
		{name: "pipe status", script: `echo x | grep -q y`, exit: 1},
		{name: "pipe wc", script: `printf 'a\nb\n' | wc -l`, stdout: "2\n"},
		{name: "head tail", script: `printf '1\n2\n3\n' | head -n 2; printf '1\n2\n3\n' | tail -n 1`, stdout: "1\n2\n3\n"},
		{name: "exec", script: `exec echo replaced; echo never`, stdout: "replaced\n"},
		{name: "env wrapper", script: `env A=1 printenv A`, stdout: "1\n"},
		{name: "env -i", script: `env -i B=2 env`, stdout: "B=2\n"},
		{name: "cd pwd", script: `cd /tmp && pwd; cd /nope`, stdout: "/tmp\n", exit: 2, stderr: "sh: cd: can't cd to /nope: No such file or directory\n"},
		{name: "hostname", script: `hostname`, stdout: "c0ffee\n"},
		{name: "hostname -i", script: `hostname -i`, exit: 1, stderr: "hostname: c0ffee: Name or service not known\n"},
		{name: "id root", script: `id; id -u; id -un`, stdout: "uid=0(root) gid=0(root) groups=0(root)\n0\nroot\n"},
		{name: "whoami", script: `whoami`, stdout: "root\n"},
		{name: "tini", script: `tini -- echo via-init`, stdout: "via-init\n"},
		{name: "gosu", script: `gosu postgres echo as-user`, stdout: "as-user\n"},
		{name: "if then", script: `if [ -d /tmp ]; then echo dir; else echo nodir; fi`, stdout: "dir\n"},
		{name: "if else", script: `if [ -d /nope ]; then echo dir; else echo nodir; fi; echo $?`, stdout: "nodir\n0\n"},
		{name: "if elif", script: "if false\nthen echo 1\nelif true; then echo 2\nelse echo 3\nfi", stdout: "2\n"},
		{name: "if without branch taken", script: `if false; then echo 1; fi; echo $?`, stdout: "0\n"},
		{name: "if exit inside", script: `if true; then exit 6; fi; echo no`, exit: 6},
		{name: "if with set -e condition", script: `set -e; if false; then echo a; fi; echo survived`, stdout: "survived\n"},
		{name: "nested if", script: `if true; then if false; then echo a; else echo b; fi; fi`, stdout: "b\n"},
		{name: "if in pipeline", script: `if true; then echo piped; fi | grep -c piped`, stdout: "1\n"},
		{name: "[[ ]]", script: `if [[ -f /tmp/lock ]] ; then sleep infinity; else touch /tmp/lock; fi; [[ -f /tmp/lock ]] && echo locked`, stdout: "locked\n"},
		{name: "test -t without tty", script: `if [ -t 0 ]; then echo 'TTY detected'; else echo 'No TTY detected'; fi`, stdout: "No TTY detected\n"},
		{name: "for", script: `for x in a "b c" $GREETING; do echo "[$x]"; done`, stdout: "[a]\n[b c]\n[hello]\n[world]\n"},
		{name: "for with sleep", script: `for i in 1 2 3; do sleep 1; done; echo $i`, stdout: "3\n", dur: 3 * time.Second},
		{name: "for multiline", script: "for i in 1 2\ndo\n  echo $i\ndone", stdout: "1\n2\n"},
		{name: "while", script: `i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done`, stdout: "0\n1\n2\n"},
		{name: "until", script: `until [ -f /tmp/x ]; do touch /tmp/x; echo made; done`, stdout: "made\n"},
		{name: "break continue", script: `for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; echo end`, stdout: "1\n3\nend\n"},
		{name: "break in while", script: `while true; do echo once; break; done`, stdout: "once\n"},
		{name: "break outside a loop", script: `break; echo still`, stdout: "still\n"},
		{name: "negation", script: `! false && echo negated; ! true; echo $?`, stdout: "negated\n1\n"},
		{name: "command substitution", script: `X=$(echo hi); echo "[$X]" [$(printf 'a b')]`, stdout: "[hi] [a b]\n"},
		{name: "command substitution splits", script: `printf '<%s>' $(printf 'a b'); echo`, stdout: "<a><b>\n"},
		{name: "command substitution status", script: `X=$(exit 3); echo $?`, stdout: "3\n"},
		{name: "backticks", script: "echo `echo back`", stdout: "back\n"},
		{name: "nested substitution", script: `echo $(echo $(echo deep))`, stdout: "deep\n"},
		{name: "substitution reads a file", script: `echo s3cret > /tmp/pw; echo "pw=$(cat /tmp/pw)"`, stdout: "pw=s3cret\n"},
		{name: "arithmetic", script: `i=2; echo $((i + 3 * 4)) $(( (1+2) * -2 )) $((7 % 4)) $((1 < 2))`, stdout: "14 -6 3 1\n"},
		{name: "arithmetic counter", script: `n=0; for x in a b c; do n=$((n+1)); done; echo $n`, stdout: "3\n"},
		{name: "arithmetic error", script: `echo $((1 / 0))`, exit: 2, stderr: "sh: arithmetic syntax error\n"},
		{name: "return ends sh -c", script: `return 111; echo no`, exit: 111},
		{name: "noop tools", script: `apk add --no-cache curl && chmod +x /x && echo ok`, stdout: "ok\n"},
	}, baseCtx)
}

func TestEnvAndPrintenv(t *testing.T) {
	c := baseCtx()
	c.Env = []string{"PATH=/bin", "A=1"}
	runCases(t, []scriptCase{
		{name: "env order", script: `env`, stdout: "PATH=/bin\nA=1\nHOME=/root\n"},
		{name: "env with new var", script: `B=2 env`, stdout: "PATH=/bin\nA=1\nHOME=/root\nB=2\n"},
		{name: "printenv one", script: `printenv A`, stdout: "1\n"},
		{name: "printenv missing", script: `printenv NOPE`, exit: 1},
		{name: "printenv all", script: `printenv`, stdout: "PATH=/bin\nA=1\nHOME=/root\n"},
	}, func() Context { return c })
}

func TestUserAndHome(t *testing.T) {
	for _, tc := range []struct{ user, want, home string }{
		{"", "uid=0(root) gid=0(root) groups=0(root)", "/root"},
		{"postgres", "uid=999(postgres) gid=999(postgres) groups=999(postgres)", "/var/lib/postgresql"},
		{"1000:1000", "uid=1000(node) gid=1000(node) groups=1000(node)", "/"},
		{"4242", "uid=4242 gid=4242 groups=4242", "/"},
		{"nobody:www-data", "uid=65534(nobody) gid=33(www-data) groups=33(www-data)", "/"},
	} {
		c := baseCtx()
		c.User = tc.user
		res, err := RunScript(c, `id; echo $HOME`)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := texts(res.Stdout), tc.want+"\n"+tc.home+"\n"; got != want {
			t.Errorf("user %q: got %q, want %q", tc.user, got, want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		script string
		kind   error
	}{
		{`echo "unterminated`, ErrSyntax},
		{`echo 'unterminated`, ErrSyntax},
		{`echo a &&`, ErrSyntax},
		{`&& echo a`, ErrSyntax},
		{`; echo a`, ErrSyntax},
		{`echo a ;; echo b`, ErrSyntax},
		{`echo >`, ErrSyntax},
		{`echo ${`, ErrSyntax},
		{`echo ${X`, ErrSyntax},
		{`echo ${}`, ErrSyntax},
		{`echo a | `, ErrSyntax},
		{`echo $(echo 'x)`, ErrSyntax},
		{`echo $(echo x`, ErrSyntax},
		{"echo `echo x", ErrSyntax},
		{`echo $((1 + 2)`, ErrSyntax},
		{`if true; then echo a`, ErrSyntax},
		{`if true; then fi`, ErrSyntax},
		{`if; then echo a; fi`, ErrSyntax},
		{`then echo a`, ErrSyntax},
		{`echo a; fi`, ErrSyntax},
		{`for 1x in a; do echo; done`, ErrSyntax},
		{`for x in a; echo; done`, ErrSyntax},
		{`for x in a; do echo`, ErrSyntax},
		{`sleep 1 &`, ErrUnsupported},
		{`(echo a)`, ErrUnsupported},
		{`case x in esac`, ErrUnsupported},
		{`while true; echo; done`, ErrSyntax},
		{`until true; do echo`, ErrSyntax},
		{`cat <<EOF`, ErrUnsupported},
	} {
		fs := NewMemFS()
		res, err := RunScript(Context{FS: fs}, tc.script)
		var se *SyntaxError
		if !errors.Is(err, tc.kind) || !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want %v", tc.script, err, tc.kind)
			continue
		}
		if res.ExitCode != 2 || len(res.Stderr) != 1 || len(res.Stdout) != 0 {
			t.Errorf("%q: result %+v, want exit 2 and one stderr line", tc.script, res)
		}
		if len(fs.Paths()) != 0 {
			t.Errorf("%q: a malformed script changed the filesystem: %v", tc.script, fs.Paths())
		}
	}
}

func TestExecForm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		argv   []string
		exit   int
		stdout string
		err    error
	}{
		{name: "echo", argv: []string{"echo", "a b", "$HOSTNAME"}, stdout: "a b $HOSTNAME\n"},
		{name: "abs path", argv: []string{"/bin/echo", "x"}, stdout: "x\n"},
		{name: "sh -c", argv: []string{"sh", "-c", "echo $HOSTNAME; exit 3"}, stdout: "c0ffee\n", exit: 3},
		{name: "bash -c", argv: []string{"/bin/bash", "-c", "echo hi"}, stdout: "hi\n"},
		{name: "sh alone exits", argv: []string{"sh"}},
		{name: "unknown", argv: []string{"nosuch", "x"}, exit: 127, err: ErrNotFound},
		{name: "empty", argv: nil, exit: 127, err: ErrNoCommand},
		{name: "syntax", argv: []string{"sh", "-c", "echo 'x"}, exit: 2, err: ErrSyntax},
		{name: "sh -c without script", argv: []string{"sh", "-c"}, exit: 2},
		{name: "missing script file", argv: []string{"sh", "/nope.sh"}, exit: 2},
		{name: "hello", argv: []string{"/hello"}, stdout: "\nHello from Docker!\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(baseCtx(), tc.argv)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if res.ExitCode != tc.exit {
				t.Errorf("exit = %d, want %d", res.ExitCode, tc.exit)
			}
			got := texts(res.Stdout)
			if tc.name == "hello" {
				if len(got) < len(tc.stdout) || got[:len(tc.stdout)] != tc.stdout {
					t.Errorf("stdout = %q", got)
				}
				return
			}
			if got != tc.stdout {
				t.Errorf("stdout = %q, want %q", got, tc.stdout)
			}
		})
	}
}

func TestNotFoundMessages(t *testing.T) {
	_, err := Run(Context{}, []string{"true-ish"})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v", err)
	}
	want := `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "true-ish": executable file not found in $PATH: unknown`
	if nf.Error() != want {
		t.Errorf("Error() = %q", nf.Error())
	}
	wantExec := `OCI runtime exec failed: exec failed: unable to start container process: exec: "true-ish": executable file not found in $PATH: unknown`
	if nf.ExecMessage() != wantExec {
		t.Errorf("ExecMessage() = %q", nf.ExecMessage())
	}
}

func TestScriptFileOnPath(t *testing.T) {
	c := baseCtx()
	fs := c.FS.(*MemFS)
	_ = fs.MkdirAll("/usr/local/bin")
	_ = fs.WriteFile("/usr/local/bin/greet", []byte("#!/bin/sh\necho \"hi $1\"\nexit 4\n"))
	res, err := Run(c, []string{"greet", "bob"})
	if err != nil || res.ExitCode != 4 || texts(res.Stdout) != "hi bob\n" {
		t.Fatalf("res %+v err %v", res, err)
	}
	_ = fs.WriteFile("/usr/local/bin/binary", []byte("\x7fELF"))
	if _, err := Run(c, []string{"binary"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a non-script file ran: err = %v", err)
	}
}

func TestLineOffsetsAndOrder(t *testing.T) {
	res, err := RunScript(baseCtx(), `echo a; sleep 1; echo b >&2; sleep 2; echo -n c`)
	if err != nil {
		t.Fatal(err)
	}
	lines := res.Lines()
	want := []Line{{Offset: 0, Stream: Stdout, Text: "a", Seq: 0}, {Offset: time.Second, Stream: Stderr, Text: "b", Seq: 1},
		{Offset: 3 * time.Second, Stream: Stdout, Text: "c", Seq: 2, Partial: true}} // echo -n: no newline
	if len(lines) != len(want) {
		t.Fatalf("lines = %+v", lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, lines[i], want[i])
		}
	}
	if got := res.Output(time.Time{}); got != "a\nb\nc" {
		t.Errorf("Output = %q", got)
	}
}

func TestForever(t *testing.T) {
	for _, tc := range []struct {
		name   string
		argv   []string
		dur    time.Duration
		server string
		stdin  bool
	}{
		{name: "sleep infinity", argv: []string{"sleep", "infinity"}},
		{name: "sleep then infinity", argv: []string{"sh", "-c", "sleep 2; sleep infinity"}, dur: 2 * time.Second},
		{name: "tail -f", argv: []string{"tail", "-f", "/dev/null"}},
		{name: "ping without count", argv: []string{"ping", "db"}},
		{name: "nc -l", argv: []string{"nc", "-l", "-p", "8080"}, server: "nc"},
		{name: "shell with stdin open", argv: []string{"sh"}, stdin: true},
		{name: "python REPL with stdin open", argv: []string{"python3"}, stdin: true},
		{name: "python app", argv: []string{"python", "app.py"}, dur: 500 * time.Millisecond, server: "python"},
		{name: "synthetic app", argv: []string{"/usr/local/bin/app"}, dur: 500 * time.Millisecond, server: "app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := baseCtx()
			c.OpenStdin = tc.stdin
			res, err := Run(c, tc.argv)
			if err != nil || !res.RunsForever || res.Duration != tc.dur {
				t.Fatalf("res %+v err %v", res, err)
			}
			if got := ""; res.Server != nil {
				got = res.Server.Name
				if got != tc.server {
					t.Errorf("server %q, want %q", got, tc.server)
				}
			} else if tc.server != "" {
				t.Errorf("no server, want %q", tc.server)
			}
		})
	}
}

// TestDeterminism runs the same commands twice on equal inputs and demands
// identical results and identical filesystem effects.
func TestDeterminism(t *testing.T) {
	cmds := [][]string{
		{"sh", "-c", `echo start; env; id; ls /; mkdir -p /data/x; echo v > /data/x/f; cat /data/x/f; sleep 3; getent hosts db web nope; nc -z db 5432; wget -q -O - http://web/; exit 7`},
		{"docker-entrypoint.sh", "postgres"},
		{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"},
		{"docker-entrypoint.sh", "redis-server"},
		{"sh", "-c", "ping -c 3 db; printf '%s\\n' a b | sort"},
	}
	for _, argv := range cmds {
		mk := func() (Context, *MemFS) {
			c := baseCtx()
			c.Env = append(c.Env, "POSTGRES_PASSWORD=pw")
			return c, c.FS.(*MemFS)
		}
		c1, fs1 := mk()
		c2, fs2 := mk()
		r1, e1 := Run(c1, argv)
		r2, e2 := Run(c2, argv)
		if (e1 == nil) != (e2 == nil) || !equalResults(r1, r2) {
			t.Errorf("%q: results differ:\n%+v\n%+v", argv, r1, r2)
		}
		if p1, p2 := fs1.Paths(), fs2.Paths(); !equalStrings(p1, p2) {
			t.Errorf("%q: filesystems differ: %v vs %v", argv, p1, p2)
		}
	}
}

func equalResults(a, b Result) bool {
	if a.ExitCode != b.ExitCode || a.Duration != b.Duration || a.RunsForever != b.RunsForever ||
		len(a.Stdout) != len(b.Stdout) || len(a.Stderr) != len(b.Stderr) || (a.Server == nil) != (b.Server == nil) {
		return false
	}
	for i := range a.Stdout {
		if a.Stdout[i] != b.Stdout[i] {
			return false
		}
	}
	for i := range a.Stderr {
		if a.Stderr[i] != b.Stderr[i] {
			return false
		}
	}
	if a.Server != nil && (a.Server.Name != b.Server.Name || a.Server.ReadyAfter != b.Server.ReadyAfter) {
		return false
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEndlessLoop(t *testing.T) {
	res, err := RunScript(baseCtx(), `i=0; while true; do echo line$i; echo err$i >&2; i=$((i+1)); sleep 1; done`)
	if err != nil || !res.RunsForever || len(res.Stdout) != maxIterations || len(res.Stderr) != maxIterations {
		t.Fatalf("forever %v, %d/%d lines, err %v", res.RunsForever, len(res.Stdout), len(res.Stderr), err)
	}
	if l := res.Stdout[999]; l.Text != "line999" || l.Offset != 999*time.Second {
		t.Errorf("last line %+v", l)
	}
	res, _ = RunScript(baseCtx(), `while :; do :; done`)
	if !res.RunsForever || res.Duration != 0 {
		t.Errorf("busy loop: %+v", res)
	}
}
