package api_test

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/emulator/api"
)

// TestMaxAPIVersionFollowsModule keeps MaxAPIVersion equal to the version of the
// github.com/moby/moby/api module whose types encode the responses (v1.57.0
// serves API 1.57): bumping the module must bump the constant.
func TestMaxAPIVersionFollowsModule(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info in the test binary")
	}
	for _, m := range bi.Deps {
		if m.Path != "github.com/moby/moby/api" {
			continue
		}
		parts := strings.SplitN(strings.TrimPrefix(m.Version, "v"), ".", 3)
		if len(parts) < 2 {
			t.Fatalf("unexpected module version %q", m.Version)
		}
		if want := parts[0] + "." + parts[1]; api.MaxAPIVersion != want {
			t.Errorf("MaxAPIVersion = %s, but github.com/moby/moby/api is %s (API %s)", api.MaxAPIVersion, m.Version, want)
		}
		return
	}
	t.Fatal("github.com/moby/moby/api is not a dependency of the test binary")
}
