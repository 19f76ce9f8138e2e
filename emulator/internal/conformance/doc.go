// Package conformance holds engine scenarios written against emulator.API only (the
// moby client's method set), so that one suite runs on three targets: the emulator
// in-process (emulator/errors_test.go), the emulator over its Engine API socket
// through moby's client (emulator/api/conformance_test.go), and a real dockerd
// (emulator/dockerd_test.go, with EMULATOR_DOCKER_HOST or, as in CI,
// RECONCILER_TEST_DOCKER_HOST).
//
// Usage, from a test:
//
//	// an engine of the test's own per case (the emulator):
//	conformance.RunBadInput(t, func(t *testing.T) emulator.API {
//		return newEngineUnderTest(t) // *emulator.Engine, or a *client.Client on its socket
//	}, nil)
//
//	// a long-lived engine other tests use too (a real dockerd):
//	conformance.RunBadInputShared(t, dockerClient, nil)
//
// Each bad-input case checks dockerd's error class and text, and that the call
// changed nothing. "Nothing changed" is State: the run's containers, networks and
// volumes (named under the run's NewPrefix, labelled LabelKey) with their ids,
// names, states, start and finish times, restart counts, labels, configuration,
// endpoints and addresses, plus the fixture's images; not the human Status text
// ("Up 2 seconds") nor anything other tests own. On an engine of its own,
// RunBadInput also compares the whole-engine Snapshot, so that an object created
// outside the run's names is caught too.
//
// Sharing a real dockerd with internal/dockertest (go test runs packages in
// parallel): every name a case uses, including those of objects a wrongly
// succeeding call would create, is under the run's prefix; web publishes a host
// port found free in 18000-19999 (dockertest takes 20000-31999); cases give an
// explicit command, so they behave the same whether busybox has a CMD (the
// emulator's) or none (docker import on the real daemon); Cleanup removes only
// the run's objects; busybox:latest and nginx:latest are shared and never removed.
package conformance
