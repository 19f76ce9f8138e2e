package registry

import (
	"fmt"
	"strings"
)

// Platform is an image platform as dockerd reports it in image inspect: OS,
// Architecture and Variant ("linux", "arm64", "v8"). The zero Platform means
// "the registry's default", which is the first platform a repository lists
// (linux/amd64 for the whole built-in catalog).
type Platform struct {
	OS           string
	Architecture string
	Variant      string
}

// String is the "os/arch[/variant]" form ("linux/arm64/v8").
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// ParsePlatform parses "os/arch[/variant]" or "arch" (linux implied) and
// normalises it as containerd does: aarch64 is arm64 (variant v8), x86_64 is
// amd64, armhf is arm/v7, armel is arm/v6, i386 is 386; arm without a variant
// is arm/v7. Malformed input returns an *InvalidPlatformError.
func ParsePlatform(s string) (Platform, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "/")
	var p Platform
	switch len(parts) {
	case 1:
		p = Platform{OS: "linux", Architecture: parts[0]}
	case 2:
		p = Platform{OS: parts[0], Architecture: parts[1]}
	case 3:
		p = Platform{OS: parts[0], Architecture: parts[1], Variant: parts[2]}
	default:
		return Platform{}, &InvalidPlatformError{Input: s}
	}
	for _, f := range []string{p.OS, p.Architecture} {
		if f == "" {
			return Platform{}, &InvalidPlatformError{Input: s}
		}
	}
	return p.normalize(), nil
}

// normalize applies containerd's architecture aliases and default variants.
func (p Platform) normalize() Platform {
	switch p.Architecture {
	case "x86_64", "x86-64":
		p.Architecture, p.Variant = "amd64", ""
	case "aarch64", "arm64":
		p.Architecture = "arm64"
		if p.Variant == "" || p.Variant == "8" {
			p.Variant = "v8"
		}
	case "armhf":
		p.Architecture, p.Variant = "arm", "v7"
	case "armel":
		p.Architecture, p.Variant = "arm", "v6"
	case "arm":
		switch p.Variant {
		case "", "7":
			p.Variant = "v7"
		case "5", "6", "8":
			p.Variant = "v" + p.Variant
		}
	case "i386", "i686":
		p.Architecture = "386"
	}
	return p
}

// InvalidPlatformError is a malformed platform string; it satisfies
// cerrdefs.IsInvalidArgument.
type InvalidPlatformError struct{ Input string }

func (e *InvalidPlatformError) Error() string {
	return fmt.Sprintf("%q: unknown operating system or architecture: invalid argument", e.Input)
}

// InvalidParameter marks the error as an invalid argument for containerd's errdefs.
func (e *InvalidPlatformError) InvalidParameter() {}

// NoMatchingManifestError is a pull for a platform the repository does not
// publish: "no matching manifest for linux/s390x in the manifest list
// entries". It satisfies cerrdefs.IsNotFound.
type NoMatchingManifestError struct{ Platform Platform }

func (e *NoMatchingManifestError) Error() string {
	return fmt.Sprintf("no matching manifest for %s in the manifest list entries", e.Platform)
}

// NotFound marks the error as not-found for containerd's errdefs.
func (e *NoMatchingManifestError) NotFound() {}
