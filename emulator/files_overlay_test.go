package emulator_test

import (
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// TestRootFilesystemIsPerContainer: a container's changes to its image's files
// (remove, append, new directories) are its own: another container of the
// same image still sees the image's files, and a second engine on the same
// store (another process) sees the first container's changes.
func TestRootFilesystemIsPerContainer(t *testing.T) {
	e, path := newFileEngine(t)
	pull(t, e, "busybox")
	a := sleeper(t, e, "ctr-a", nil)
	b := sleeper(t, e, "ctr-b", nil)
	sh := func(e *emulator.Engine, ref, script string) (int, string) {
		t.Helper()
		code, out, errOut := execRun(t, e, ref, client.ExecCreateOptions{Cmd: []string{"sh", "-c", script}})
		return code, out + errOut
	}
	if code, out := sh(e, a, "rm /etc/group && echo extra >> /etc/passwd && mkdir -p /data/x && echo hi > /data/x/f"); code != 0 {
		t.Fatalf("changing a's files: exit %d: %s", code, out)
	}
	other := reopenEngine(t, path)
	for _, eng := range []*emulator.Engine{e, other} {
		if code, out := sh(eng, a, "cat /etc/group"); code == 0 {
			t.Errorf("a still reads the removed /etc/group: %q", out)
		}
		if _, out := sh(eng, a, "ls /etc"); strings.Contains(out, "group") || !strings.Contains(out, "passwd") {
			t.Errorf("ls /etc in a = %q, want passwd and no group", out)
		}
		if _, out := sh(eng, a, "tail -n 1 /etc/passwd; cat /data/x/f"); out != "extra\nhi\n" {
			t.Errorf("a's appended passwd line and new file = %q, want \"extra\\nhi\\n\"", out)
		}
		if code, out := sh(eng, b, "cat /etc/group"); code != 0 || !strings.HasPrefix(out, "root:") {
			t.Errorf("b's /etc/group (exit %d) = %q, want the image's file", code, out)
		}
		if _, out := sh(eng, b, "grep -c extra /etc/passwd; ls /data"); !strings.HasPrefix(out, "0\n") || !strings.Contains(out, "No such file") {
			t.Errorf("b sees a's changes: %q", out)
		}
		if code, _ := sh(eng, a, "rm /etc"); code == 0 {
			t.Error("removing the non-empty image directory /etc succeeded")
		}
	}
	// A file removed from the image can be created again, and removed again.
	if code, out := sh(e, a, "echo new > /etc/group && cat /etc/group && rm /etc/group && ls /etc"); code != 0 || !strings.HasPrefix(out, "new\n") || strings.Contains(out, "group") {
		t.Errorf("re-creating and removing /etc/group: exit %d, %q", code, out)
	}
}

func reopenEngine(t *testing.T, path string) *emulator.Engine {
	t.Helper()
	e, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}
