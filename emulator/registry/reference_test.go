package registry

import (
	"errors"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
)

func TestParseReference(t *testing.T) {
	const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		in                                      string
		canonical, familiar, familiarName, path string
		domain, tag, digest                     string
	}{
		{"nginx", "docker.io/library/nginx:latest", "nginx:latest", "nginx", "library/nginx", "docker.io", "latest", ""},
		{"nginx:1.27", "docker.io/library/nginx:1.27", "nginx:1.27", "nginx", "library/nginx", "docker.io", "1.27", ""},
		{"library/nginx", "docker.io/library/nginx:latest", "nginx:latest", "nginx", "library/nginx", "docker.io", "latest", ""},
		{"docker.io/library/nginx:latest", "docker.io/library/nginx:latest", "nginx:latest", "nginx", "library/nginx", "docker.io", "latest", ""},
		{"user/app:1", "docker.io/user/app:1", "user/app:1", "user/app", "user/app", "docker.io", "1", ""},
		{"localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest", "localhost:5000/x", "x", "localhost:5000", "latest", ""},
		{"ghcr.io/org/tool:v2", "ghcr.io/org/tool:v2", "ghcr.io/org/tool:v2", "ghcr.io/org/tool", "org/tool", "ghcr.io", "v2", ""},
		{"nginx@" + dgst, "docker.io/library/nginx@" + dgst, "nginx@" + dgst, "nginx", "library/nginx", "docker.io", "", dgst},
		{"nginx:1.27@" + dgst, "docker.io/library/nginx@" + dgst, "nginx@" + dgst, "nginx", "library/nginx", "docker.io", "", dgst},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseReference(tt.in)
			if err != nil {
				t.Fatalf("ParseReference(%q): %v", tt.in, err)
			}
			got := []string{r.String(), r.Familiar(), r.FamiliarName(), r.Path(), r.Domain(), r.Tag(), r.Digest()}
			want := []string{tt.canonical, tt.familiar, tt.familiarName, tt.path, tt.domain, tt.tag, tt.digest}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("field %d: got %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

func TestParseReferenceInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "invalid reference format"},
		{"   ", "invalid reference format"},
		{"nginx:", "invalid reference format"},
		{"-bad", "invalid reference format"},
		{"a b", "invalid reference format"},
		{"nginx@sha256:short", "invalid reference format"},
		{"RSCH-Upper", "invalid reference format: repository name (library/RSCH-Upper) must be lowercase"},
		{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseReference(tt.in)
			if err == nil {
				t.Fatalf("ParseReference(%q) succeeded", tt.in)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err.Error(), tt.want)
			}
			var ire *InvalidReferenceError
			if !errors.As(err, &ire) {
				t.Errorf("error %T is not *InvalidReferenceError", err)
			}
			if !cerrdefs.IsInvalidArgument(err) {
				t.Errorf("cerrdefs.IsInvalidArgument(%v) = false", err)
			}
		})
	}
	_, err := ParseReference("nginx:")
	if !errors.Is(err, reference.ErrReferenceInvalidFormat) {
		t.Errorf("errors.Is(%v, ErrReferenceInvalidFormat) = false", err)
	}
}

func TestWithTag(t *testing.T) {
	tests := []struct {
		repo, tag, want string
		wantErr         bool
	}{
		{"myregistry/alpine", "v1.0", "myregistry/alpine:v1.0", false},
		{"alpine", "", "alpine:latest", false},
		{"docker.io/library/rsch-clitag", "1", "rsch-clitag:1", false},
		{"alpine:3", "v1", "alpine:v1", false},
		{"alpine", "bad tag", "", true},
		{"RSCH-Upper", "1", "", true},
		{"alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.repo+":"+tt.tag, func(t *testing.T) {
			r, err := WithTag(tt.repo, tt.tag)
			if tt.wantErr {
				if err == nil || !cerrdefs.IsInvalidArgument(err) {
					t.Fatalf("WithTag(%q, %q) = %v, %v; want invalid argument", tt.repo, tt.tag, r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Familiar() != tt.want {
				t.Errorf("got %q, want %q", r.Familiar(), tt.want)
			}
		})
	}
}
