package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// fakeLogs serves a multiplexed stream as dockerd does for a non-tty container.
type fakeLogs struct{ stdout, stderr string }

func (f fakeLogs) ContainerLogs(context.Context, string, client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	var b bytes.Buffer
	frame(&b, 1, f.stdout)
	frame(&b, 2, f.stderr)
	return io.NopCloser(&b), nil
}

// frame writes one frame of dockerd's multiplexed stream: stream byte, three zero
// bytes, big-endian payload length, payload.
func frame(b *bytes.Buffer, stream byte, payload string) {
	if payload == "" {
		return
	}
	n := len(payload)
	b.Write([]byte{stream, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	b.WriteString(payload)
}

func TestCopyLogsPrefixesEveryLine(t *testing.T) {
	var out, errb bytes.Buffer
	le := fakeLogs{stdout: "one\ntwo\n", stderr: "oops\n"}
	if err := copyLogs(context.Background(), le, "id", client.ContainerLogsOptions{}, &out, &errb, "demo-web-1 | "); err != nil {
		t.Fatal(err)
	}
	if out.String() != "demo-web-1 | one\ndemo-web-1 | two\n" {
		t.Errorf("stdout = %q", out.String())
	}
	if errb.String() != "demo-web-1 | oops\n" {
		t.Errorf("stderr = %q", errb.String())
	}
}

// TestLogsAndExecFollowTheEngine: without the capability the command says so
// with a typed error and exits 1; with it, the command runs.
func TestLogsAndExecFollowTheEngine(t *testing.T) {
	eng, err := emulator.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	_, hasLogs := any(eng).(logsEngine)
	_, hasExec := any(eng).(execEngine)
	tests := []struct {
		args      []string
		supported bool
		// wantCode once supported: logs of an empty project print nothing;
		// exec finds no container.
		wantCode int
	}{
		{[]string{"logs", "-p", "demo"}, hasLogs, exitOK},
		{[]string{"exec", "-p", "demo", "web", "true"}, hasExec, exitError},
	}
	for _, tc := range tests {
		t.Run(tc.args[0], func(t *testing.T) {
			t.Setenv(envState, filepath.Join(t.TempDir(), "state.db"))
			_, stderr, code := runCLI(t, tc.args...)
			unsupported := strings.Contains(stderr, tc.args[0]+": not supported by this engine yet")
			want := exitError
			if tc.supported {
				want = tc.wantCode
			}
			if code != want || unsupported == tc.supported {
				t.Fatalf("engine has %s: %v; exit %d, stderr %q", tc.args[0], tc.supported, code, stderr)
			}
		})
	}
}
