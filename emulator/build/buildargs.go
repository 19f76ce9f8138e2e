package build

import (
	"fmt"
	"sort"
	"strings"
)

// builtinArgs are the proxy variables dockerd lets through without an ARG.
var builtinArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// buildArgs follows dockerd's classic builder: ARG declares a variable (with
// an optional default), a value given with the build overrides the default,
// ARGs before the first FROM (meta args) are visible to FROM lines and are
// the defaults of a value-less ARG of the same name inside a stage.
type buildArgs struct {
	allowed    map[string]*string
	meta       map[string]*string
	referenced map[string]bool
	options    map[string]*string
}

func newBuildArgs(options map[string]*string) *buildArgs {
	return &buildArgs{allowed: map[string]*string{}, meta: map[string]*string{}, referenced: map[string]bool{}, options: options}
}

// forStage returns a copy with the stage-scoped declarations cleared.
func (b *buildArgs) forStage() *buildArgs {
	c := newBuildArgs(b.options)
	for k, v := range b.meta {
		c.meta[k] = v
	}
	for k := range b.referenced {
		c.referenced[k] = true
	}
	return c
}

func (b *buildArgs) add(key string, value *string) {
	b.allowed[key] = value
	b.referenced[key] = true
}

func (b *buildArgs) addMeta(key string, value *string) {
	b.add(key, value)
	b.meta[key] = value
}

func (b *buildArgs) merge(o *buildArgs) {
	for k := range o.referenced {
		b.referenced[k] = true
	}
}

func (b *buildArgs) get(key string, mapping map[string]*string) (string, bool) {
	def, exists := mapping[key]
	if v, ok := b.options[key]; ok && v != nil {
		return *v, true
	}
	if def == nil {
		if v, ok := b.meta[key]; ok && v != nil {
			return *v, true
		}
		return "", false
	}
	return *def, exists
}

func (b *buildArgs) all(mapping map[string]*string) map[string]string {
	out := map[string]string{}
	for k := range mapping {
		if v, ok := b.get(k, mapping); ok {
			out[k] = v
		}
	}
	for k := range builtinArgs {
		if v, ok := b.get(k, mapping); ok {
			out[k] = v
		}
	}
	return out
}

// allowedEnv lists KEY=value of the declared args not shadowed by env, sorted.
func (b *buildArgs) allowedEnv(env []string) []string {
	set := map[string]bool{}
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		set[k] = true
	}
	var out []string
	for k, v := range b.all(b.allowed) {
		if !set[k] {
			out = append(out, k+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// metaEnv lists KEY=value of the meta args, sorted: what FROM lines see.
func (b *buildArgs) metaEnv() []string {
	var out []string
	for k, v := range b.all(b.meta) {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// unusedWarning is dockerd's warning for build args no ARG declared, or "".
func (b *buildArgs) unusedWarning() string {
	var left []string
	for k := range b.options {
		if !b.referenced[k] && !builtinArgs[k] {
			left = append(left, k)
		}
	}
	if len(left) == 0 {
		return ""
	}
	sort.Strings(left)
	return fmt.Sprintf("[Warning] One or more build-args %v were not consumed\n", left)
}

// runPrefix is the "|N K=V ..." prefix dockerd records before a RUN command
// when build args are in its environment.
func (b *buildArgs) runPrefix(argEnv []string) []string {
	var kept []string
	for _, e := range argEnv {
		k, _, _ := strings.Cut(e, "=")
		if _, declared := b.allowed[k]; declared || !builtinArgs[k] {
			kept = append(kept, e)
		}
	}
	sort.Strings(kept)
	return append([]string{fmt.Sprintf("|%d", len(kept))}, kept...)
}
