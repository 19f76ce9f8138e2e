// Package dockertest gives tests a real Docker engine: a dockerd started
// outside the test (scripts/dockerd.sh, or .ci/run) and named by the
// environment variable RECONCILER_TEST_DOCKER_HOST. Without it, Start skips
// the test with a message saying how to enable it.
//
// It owns the helper only; the differential tests in this directory (package
// dockertest_test) run the same scenarios on that dockerd and on two emulator
// targets, each a fresh engine: in-process, and served over a unix socket by
// emulator/api through moby's client (as `reconciler engine serve`), and
// compare each emulator's normalised answers with dockerd's (ids by name,
// times, addresses): lifecycle, names, in-use objects, ports, every list
// filter, prunes, events, inspect shapes and values, a reconcile, logs framing
// (logs_test.go: multiplexed frames per stream for a non-TTY container, with
// stream selection, timestamps and tail; raw bytes with a TTY; attach) and
// exec (exec_test.go: exit codes, output, command not found, errors). Streams
// are compared per stream: dockerd reads stdout and stderr through two pipes,
// so their relative order, and how a live stream is cut into frames, are not
// defined; log frames are one per line on both.
//
// A difference fails the test unless allowlist_test.go names it
// ("scenario/step", or "target:scenario/step" for one target) with its reason:
// an API-version difference (dockerd 20.10 speaks 1.41, the emulator follows
// 1.47), a fixture difference (the imported busybox has no CMD), a transport
// artifact, or an "emulator bug" entry, which is a defect to fix in emulator/
// and then delete from the list. A full run fails when an entry matched
// nothing.
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
