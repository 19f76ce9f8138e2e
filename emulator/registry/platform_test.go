package registry

import (
	"errors"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"linux/amd64", "linux/amd64", false},
		{"amd64", "linux/amd64", false},
		{"linux/x86_64", "linux/amd64", false},
		{"linux/arm64", "linux/arm64/v8", false},
		{"linux/aarch64", "linux/arm64/v8", false},
		{"LINUX/ARM64/V8", "linux/arm64/v8", false},
		{"linux/arm", "linux/arm/v7", false},
		{"linux/arm/6", "linux/arm/v6", false},
		{"linux/armhf", "linux/arm/v7", false},
		{"linux/i386", "linux/386", false},
		{"", "", true},
		{"linux/", "", true},
		{"a/b/c/d", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePlatform(tt.in)
			if tt.wantErr {
				if err == nil || !cerrdefs.IsInvalidArgument(err) {
					t.Fatalf("ParsePlatform(%q) = %v, %v; want invalid argument", tt.in, p, err)
				}
				return
			}
			if err != nil || p.String() != tt.want {
				t.Errorf("ParsePlatform(%q) = %v, %v; want %s", tt.in, p, err, tt.want)
			}
		})
	}
}

func TestResolvePlatform(t *testing.T) {
	c := Default()
	ref := mustRef(t, "nginx:1.27")
	amd, err := c.Resolve(ref)
	if err != nil {
		t.Fatal(err)
	}
	explicit, _ := c.ResolvePlatform(ref, Platform{OS: "linux", Architecture: "amd64"})
	if explicit.ID != amd.ID {
		t.Errorf("explicit default platform gives another image")
	}
	arm, err := c.ResolvePlatform(ref, Platform{OS: "linux", Architecture: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if arm.Architecture != "arm64" || arm.Variant != "v8" || arm.Os != "linux" {
		t.Errorf("arm64 platform %s/%s/%s", arm.Os, arm.Architecture, arm.Variant)
	}
	if arm.ID == amd.ID || arm.Layers[0].Digest == amd.Layers[0].Digest {
		t.Errorf("arm64 shares the amd64 id or layers")
	}
	if arm.ManifestDigest != amd.ManifestDigest || arm.RepoDigests[0] != amd.RepoDigests[0] {
		t.Errorf("platforms of one tag must share the index digest: %s %s", arm.ManifestDigest, amd.ManifestDigest)
	}
	if arm.Config.Cmd[0] != "nginx" {
		t.Errorf("arm64 config %v", arm.Config.Cmd)
	}
	// Pull by the index digest on a platform gives that platform's image.
	byDigest, err := c.ResolvePlatform(mustRef(t, "nginx@"+amd.ManifestDigest), Platform{OS: "linux", Architecture: "arm64"})
	if err != nil || byDigest.ID != arm.ID {
		t.Errorf("digest pull on arm64: %v %s", err, byDigest.ID)
	}

	_, err = c.ResolvePlatform(mustRef(t, "mysql:8.0"), Platform{OS: "linux", Architecture: "s390x"})
	var nm *NoMatchingManifestError
	if !errors.As(err, &nm) || !cerrdefs.IsNotFound(err) || err.Error() != "no matching manifest for linux/s390x in the manifest list entries" {
		t.Errorf("mysql on s390x: %v", err)
	}
	if got := c.Platforms("mysql"); len(got) != 2 || got[0].String() != "linux/amd64" {
		t.Errorf("Platforms(mysql) = %v", got)
	}
	if c.Platforms("myapp") != nil {
		t.Errorf("Platforms of a synthetic repository")
	}
	// Synthetic images exist for every platform, each with its own id.
	s1, err1 := c.ResolvePlatform(mustRef(t, "myapp"), Platform{OS: "linux", Architecture: "s390x"})
	s2, err2 := c.Resolve(mustRef(t, "myapp"))
	if err1 != nil || err2 != nil || s1.ID == s2.ID || s1.Architecture != "s390x" || s2.Architecture != "amd64" {
		t.Errorf("synthetic platforms: %v %v %s %s", err1, err2, s1.Architecture, s2.Architecture)
	}
}
