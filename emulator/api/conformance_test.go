package api_test

import (
	"testing"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

// TestConformanceOverSocket runs the engine's bad-input scenarios (the ones the
// emulator passes in-process and a real dockerd passes in TestConformanceDockerd)
// through moby's client against the emulator served on a unix socket: the second
// of the three targets. Each call must get dockerd's class and text, and change
// nothing.
func TestConformanceOverSocket(t *testing.T) {
	conformance.RunBadInput(t, func(t *testing.T) emulator.API {
		cli, _, _ := serveEmulator(t)
		return cli
	}, nil)
}
