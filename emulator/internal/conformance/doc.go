// Package conformance holds engine scenarios written against emulator.API only (the
// moby client's method set), so that one suite runs on three targets: the emulator
// in-process (emulator/errors_test.go), the emulator over its Engine API socket
// through moby's client (emulator/api/conformance_test.go), and a real dockerd
// (emulator/dockerd_test.go, with EMULATOR_DOCKER_HOST).
//
// Usage, from a test:
//
//	conformance.RunBadInput(t, func(t *testing.T) emulator.API {
//		return newEngineUnderTest(t) // *emulator.Engine, or a *client.Client
//	}, nil)
//
// Each bad-input case checks dockerd's error class and text and that a snapshot of
// everything visible through list and inspect calls is unchanged afterwards.
package conformance
