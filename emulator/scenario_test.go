package emulator_test

import (
	"testing"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

func snapshot(t testing.TB, api emulator.API) string { return conformance.Snapshot(t, api) }
