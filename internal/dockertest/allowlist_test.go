package dockertest_test

// allowlist holds the known differences between dockerd 20.10 (API 1.41) and
// the emulator, keyed "scenario/step" for both emulator targets or
// "target:scenario/step" for one ("in-process" or "served"), each with its
// reason. Keep it short: an "emulator bug" entry is a defect to fix in
// emulator/, then delete here.
var allowlist = map[string]string{
	"names/create without a command": "fixture: dockerd's busybox comes from docker import (Config.Cmd null), " +
		"the emulator catalog's busybox has CMD [\"sh\"]",
	"in-use/network create duplicate": "API version: dockerd 20.10 (API 1.41) rejects a duplicate network name " +
		"only when the request says CheckDuplicate, which moby's client v0.6.2 never sends, so it creates a second " +
		"network of the same name; API 1.44+ always answers 409, as the emulator does (the reconciler must not rely " +
		"on create failing against a 1.41 daemon)",
	"prune/volume prune": "API version: at API 1.41 (dockerd 20.10) volume prune removes every unused volume " +
		"matching the filters; from 1.42 only anonymous ones unless all=true; the in-process emulator follows 1.47",
	"filters/networks dangling=true": "dockerd 20.10 quirk: its dangling filter reads the list entries' Containers, " +
		"which the list endpoint leaves empty, so every user network counts as dangling even with a running " +
		"container; the emulator follows the documented meaning (no endpoints), as network prune does on both",
	"filters/networks dangling=false": "the same dockerd 20.10 dangling quirk",
	"shapes/image": "fixture and emulator: dockerd's imported busybox has Comment \"Imported from -\" (the " +
		"catalog image has none), and the emulator's image inspect has no GraphDriver (dockerd: vfs)",
	"values/web running": "API version: at API 1.41 dockerd adds the container's short id to its Aliases on a " +
		"user network; API 1.45+ no longer does, and the emulator follows 1.47 (Aliases null)",
	"in-process:attach/attach to a missing container": "transport, not engine: over HTTP moby's client turns a refused " +
		"hijack (dockerd answers 404 with a plain-text body \"No such container: <name>\") into a bare \"unable to upgrade to tcp, received 404\" " +
		"without reading the body (the served emulator answers the same 404 and agrees); in-process there is no upgrade and returns the typed NotFound with " +
		"dockerd's text",
}
