package emulator_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// Fail rules on ExecCreate, ExecStart (and ExecAttach, an attached start) and
// ContainerLogs: matched by container name, label, image or exec id, with the
// rule's class and message, used up after Times calls; a failed call changes
// nothing.
func TestFaultExecAndLogs(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	web := sleeper(t, e, "web", map[string]string{"tier": "front"})
	sleeper(t, e, "other", nil)
	fail := func(op string, m emulator.FaultMatch, class emulator.ErrorClass, msg string, times int) {
		addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: op, Match: m, Times: times,
			Error: emulator.FaultError{Class: class, Message: msg}})
	}
	create := func(ref string) (string, error) {
		x, err := e.ExecCreate(ctx, ref, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo hi"}, AttachStdout: true})
		return x.ID, err
	}

	fail(emulator.OpExecCreate, emulator.FaultMatch{Name: "web"}, emulator.ClassConflict, "no exec for you", 1)
	if _, err := create("other"); err != nil {
		t.Fatalf("exec in an unmatched container: %v", err)
	}
	if _, err := create(web); !cerrdefs.IsConflict(err) || err.Error() != "no exec for you" {
		t.Fatalf("ExecCreate: %v, want the injected conflict", err)
	}
	for _, m := range history(t, e, clk.Now(), make(client.Filters).Add("container", "web")) {
		if strings.HasPrefix(string(m.Action), "exec_") {
			t.Errorf("a failed ExecCreate emitted %s", m.Action)
		}
	}
	x, err := create(web)
	if err != nil {
		t.Fatalf("rule used up, ExecCreate: %v", err)
	}

	fail(emulator.OpExecStart, emulator.FaultMatch{Label: "tier=front"}, emulator.ClassUnavailable, "", 2)
	if _, err := e.ExecStart(ctx, x, client.ExecStartOptions{}); !cerrdefs.IsUnavailable(err) || err.Error() != "injected fault: ExecStart" {
		t.Errorf("ExecStart: %v, want the injected unavailable error", err)
	}
	if _, err := e.ExecAttach(ctx, x, client.ExecAttachOptions{}); !cerrdefs.IsUnavailable(err) {
		t.Errorf("ExecAttach: %v, want the injected unavailable error", err)
	}
	if in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x, client.ExecInspectOptions{})); in.Running || in.PID != 0 {
		t.Errorf("a failed start started the exec: %+v", in)
	}
	att := must[client.ExecAttachResult](t)(e.ExecAttach(ctx, x, client.ExecAttachOptions{}))
	out := must[[]byte](t)(io.ReadAll(att.Reader))
	att.Close()
	if string(out) != "\x01\x00\x00\x00\x00\x00\x00\x03hi\n" {
		t.Errorf("exec after the rule was used up printed %q", out)
	}

	y, err := create(web)
	if err != nil {
		t.Fatal(err)
	}
	fail(emulator.OpExecStart, emulator.FaultMatch{Name: y}, emulator.ClassInternal, "exec id matched", 1)
	if _, err := e.ExecStart(ctx, y, client.ExecStartOptions{}); !cerrdefs.IsInternal(err) || err.Error() != "exec id matched" {
		t.Errorf("ExecStart matched by exec id: %v", err)
	}
	if _, err := e.ExecStart(ctx, "nosuchexec", client.ExecStartOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("ExecStart of an unknown exec with rules present: %v, want not found", err)
	}

	fail(emulator.OpContainerLogs, emulator.FaultMatch{Image: "busybox:latest"}, emulator.ClassNotFound, "logs gone", 1)
	if _, err := e.ContainerLogs(ctx, "web", client.ContainerLogsOptions{ShowStdout: true}); !cerrdefs.IsNotFound(err) || err.Error() != "logs gone" {
		t.Errorf("ContainerLogs: %v, want the injected not found", err)
	}
	rc, err := e.ContainerLogs(ctx, "web", client.ContainerLogsOptions{ShowStdout: true})
	if err != nil {
		t.Fatalf("ContainerLogs after the rule was used up: %v", err)
	}
	rc.Close()
	if fs := must[[]emulator.Fault](t)(e.Faults(ctx)); len(fs) != 0 {
		t.Errorf("rules left: %+v", fs)
	}
}

// Latency rules delay ExecCreate, ExecStart and ContainerLogs on the engine clock.
func TestFaultLatencyExecAndLogs(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	sleeper(t, e, "web", nil)
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, "web", client.ExecCreateOptions{Cmd: []string{"true"}}))
	calls := map[string]func() error{
		emulator.OpExecCreate: func() error {
			_, err := e.ExecCreate(ctx, "web", client.ExecCreateOptions{Cmd: []string{"true"}})
			return err
		},
		emulator.OpExecStart: func() error {
			_, err := e.ExecStart(ctx, x.ID, client.ExecStartOptions{})
			return err
		},
		emulator.OpContainerLogs: func() error {
			rc, err := e.ContainerLogs(ctx, "web", client.ContainerLogsOptions{ShowStdout: true})
			if err == nil {
				rc.Close()
			}
			return err
		},
	}
	for _, op := range []string{emulator.OpExecCreate, emulator.OpExecStart, emulator.OpContainerLogs} {
		t.Run(op, func(t *testing.T) {
			addFault(t, e, emulator.Fault{Kind: emulator.FaultLatency, Op: op, Latency: 2 * time.Second, Match: emulator.FaultMatch{Name: "web"}, Times: 1})
			start := clk.Now()
			delayed(ctx, t, clk, 2*time.Second, calls[op])
			if d := clk.Since(start); d != 2*time.Second {
				t.Errorf("clock moved %v", d)
			}
		})
	}
}

func TestFaultOpsIncludeExecAndLogs(t *testing.T) {
	for _, op := range []string{emulator.OpExecCreate, emulator.OpExecStart, emulator.OpContainerLogs} {
		if !slices.Contains(emulator.FaultOps(), op) {
			t.Errorf("FaultOps lacks %s", op)
		}
	}
	e, _ := newEngine(t)
	if _, err := e.AddFault(context.Background(), emulator.Fault{Kind: emulator.FaultFail, Op: "ExecInspect",
		Error: emulator.FaultError{Class: emulator.ClassInternal}}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("rule for an operation without a hook: %v, want invalid", err)
	}
}
