package api_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/reconciler/reconciler/emulator/api"
)

// TestMaxAPIVersionFollowsModule keeps MaxAPIVersion equal to the version of the
// github.com/moby/moby/api module (in the repository's go.mod) whose types encode
// the responses: v1.57.x serves API 1.57, and bumping the module must bump the
// constant.
func TestMaxAPIVersionFollowsModule(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/moby/moby/api v(\d+)\.(\d+)\.`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("github.com/moby/moby/api is not required in go.mod")
	}
	if want := string(m[1]) + "." + string(m[2]); api.MaxAPIVersion != want {
		t.Errorf("MaxAPIVersion = %s, but go.mod requires github.com/moby/moby/api for API %s", api.MaxAPIVersion, want)
	}
}
