package dockertest_test

// allowlist holds the known differences between dockerd 20.10 (API 1.41) and
// the emulator, keyed "scenario/step", each with its reason. Keep it short:
// an "emulator bug" entry is a defect to fix in emulator/, then delete here.
var allowlist = map[string]string{
	"names/create without a command": "fixture: dockerd's busybox comes from docker import (Config.Cmd null), " +
		"the emulator catalog's busybox has CMD [\"sh\"]",
}
