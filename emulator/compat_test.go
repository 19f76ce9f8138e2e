package emulator_test

import (
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/reconciler"
)

// The emulator is interchangeable with moby's client: emulator.API is a subset of
// client.APIClient with identical signatures, and the reconciler's Engine is
// satisfied by *emulator.Engine.
var (
	_ emulator.API      = (client.APIClient)(nil)
	_ emulator.API      = (*client.Client)(nil)
	_ emulator.API      = (*emulator.Engine)(nil)
	_ reconciler.Engine = (*emulator.Engine)(nil)
)
