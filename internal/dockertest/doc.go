// Package dockertest gives tests a real Docker engine: a dockerd started
// outside the test (scripts/dockerd.sh, or .ci/run) and named by the
// environment variable RECONCILER_TEST_DOCKER_HOST. Without it, Start skips
// the test with a message saying how to enable it.
//
// It owns the helper only; the differential tests in this directory
// (package dockertest_test) run the same scenarios on that dockerd and on the
// in-process emulator and compare the normalised answers.
//
// Usage:
//
//	func TestSomething(t *testing.T) {
//		d := dockertest.Start(t)          // skips when no daemon is configured
//		ctx := t.Context()
//		_, err := d.Client.ContainerCreate(ctx, client.ContainerCreateOptions{
//			Name:   d.Name("web"),           // unique per test
//			Config: &container.Config{Image: dockertest.Image, Labels: d.Labels()},
//		})
//		...                               // everything labelled or named by d is removed at cleanup
//	}
//
// Invariants: every object a test creates through d should carry d.Labels()
// or a name from d.Name; cleanup removes exactly those (containers forced with
// their anonymous volumes, then networks, then volumes, then image tags
// registered with d.TrackImage) and nothing else on the shared daemon. Prune
// calls in tests must filter on d.LabelFilter() for the same reason.
package dockertest
