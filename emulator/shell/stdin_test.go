package shell

import (
	"errors"
	"testing"
)

func TestRunStdin(t *testing.T) {
	cases := []struct {
		name   string
		argv   []string
		stdin  string
		exit   int
		stdout string
		stderr string
	}{
		{name: "cat echoes stdin", argv: []string{"cat"}, stdin: "a\nb\n", stdout: "a\nb\n"},
		{name: "cat dash", argv: []string{"cat", "-", "/etc/motd"}, stdin: "in\n", stdout: "in\nmotd\n"},
		{name: "wc -l", argv: []string{"wc", "-l"}, stdin: "1\n2\n3\n", stdout: "3\n"},
		{name: "head -n", argv: []string{"head", "-n", "1"}, stdin: "first\nsecond\n", stdout: "first\n"},
		{name: "grep", argv: []string{"grep", "b"}, stdin: "abc\nxyz\n", stdout: "abc\n"},
		{name: "sh runs the script", argv: []string{"sh"}, stdin: "echo $GREETING\nexit 4\n", exit: 4, stdout: "hello world\n"},
		{name: "sh -s", argv: []string{"sh", "-s"}, stdin: "echo one; echo two >&2", stdout: "one\n", stderr: "two\n"},
		{name: "bash script writes a file", argv: []string{"bash"}, stdin: "echo x > /tmp/f\ncat /tmp/f\n", stdout: "x\n"},
		{name: "pipeline inside reads its own stdin", argv: []string{"sh", "-c", "cat | wc -c"}, stdin: "12345", stdout: "5\n"},
		{name: "sh -c does not run stdin", argv: []string{"sh", "-c", "echo c"}, stdin: "echo ignored\n", stdout: "c\n"},
		{name: "sh -c commands share stdin", argv: []string{"sh", "-c", "set -e; echo start; cat > /tmp/x; cat; cat /tmp/x"}, stdin: "data\n", stdout: "start\ndata\n"},
		{name: "sh -c own redirect keeps stdin", argv: []string{"sh", "-c", "cat < /etc/motd; cat"}, stdin: "in\n", stdout: "motd\nin\n"},
		{name: "sh -c args", argv: []string{"sh", "-c", "cat > $1 && wc -c < $1", "sh", "/tmp/y"}, stdin: "abc", stdout: "3\n"},
		{name: "script file reads stdin", argv: []string{"sh", "/etc/s.sh"}, stdin: "z\n", stdout: "got\nz\n"},
		{name: "missing script file", argv: []string{"sh", "/nope.sh"}, stdin: "z\n", exit: 2, stderr: "sh: can't open '/nope.sh': No such file or directory\n"},
		{name: "syntax error in -c", argv: []string{"sh", "-c", "if then"}, stdin: "z", exit: 2, stderr: "sh: syntax error: unexpected \"then\"\n"},
		{name: "empty stdin ends at once", argv: []string{"cat"}, stdin: ""},
		{name: "syntax error in stdin", argv: []string{"sh"}, stdin: "if then\n", exit: 2, stderr: "sh: syntax error: unexpected \"then\"\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := baseCtx()
			_ = c.FS.WriteFile("/etc/motd", []byte("motd\n"))
			_ = c.FS.WriteFile("/etc/s.sh", []byte("echo got\ncat\n"))
			res, _ := RunStdin(c, tc.argv, []byte(tc.stdin))
			if res.ExitCode != tc.exit || texts(res.Stdout) != tc.stdout || texts(res.Stderr) != tc.stderr {
				t.Errorf("exit %d stdout %q stderr %q, want %d %q %q", res.ExitCode, texts(res.Stdout), texts(res.Stderr), tc.exit, tc.stdout, tc.stderr)
			}
			if res.RunsForever {
				t.Error("a command whose stdin ended runs forever")
			}
		})
	}
}

func TestRunStdinErrors(t *testing.T) {
	if _, err := RunStdin(baseCtx(), nil, []byte("x")); !errors.Is(err, ErrNoCommand) {
		t.Errorf("no argv: %v, want ErrNoCommand", err)
	}
	res, err := RunStdin(baseCtx(), []string{"nosuch"}, []byte("x"))
	var nf *NotFoundError
	if !errors.As(err, &nf) || res.ExitCode != 127 {
		t.Errorf("unknown executable: exit %d err %v, want 127 and *NotFoundError", res.ExitCode, err)
	}
}
