package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// hashKeyOrder is the order in which compose-go v2.14.0 (the version docker compose v5.5.0
// is built with) marshals ServiceConfig's top-level keys. v2.16.2 reorganised the struct,
// so its JSON has the same keys in another order and another SHA-256
// (reference: compose-config-hash.md). umask and pull_refresh_after are v2.16.2 additions;
// they are placed where their neighbours suggest.
var hashKeyOrder = []string{
	"profiles", "annotations", "attach", "build", "develop", "blkio_config", "cap_add", "cap_drop",
	"cgroup_parent", "cgroup", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
	"cpu_rt_runtime", "cpus", "cpuset", "cpu_shares", "command", "configs", "container_name",
	"credential_spec", "depends_on", "deploy", "device_cgroup_rules", "devices", "dns", "dns_opt",
	"dns_search", "dockerfile", "domainname", "entrypoint", "provider", "environment", "env_file",
	"expose", "extends", "external_links", "extra_hosts", "group_add", "gpus", "hostname",
	"healthcheck", "image", "init", "ipc", "isolation", "labels", "label_file", "links", "logging",
	"log_driver", "log_opt", "mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness",
	"mac_address", "models", "net", "network_mode", "networks", "oom_kill_disable", "oom_score_adj",
	"pid", "pids_limit", "platform", "ports", "privileged", "pull_policy", "pull_refresh_after",
	"read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
	"stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "umask",
	"use_api_socket", "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from",
	"working_dir", "pre_start", "post_start", "pre_stop",
}

var hashKeyRank = func() map[string]int {
	m := make(map[string]int, len(hashKeyOrder))
	for i, k := range hashKeyOrder {
		m[k] = i
	}
	return m
}()

// hashInput is the service as compose's ServiceHash sees it: build, pull_policy, scale,
// deploy.replicas, depends_on and profiles cleared. s is not modified.
func hashInput(s types.ServiceConfig) types.ServiceConfig {
	s.Build = nil
	s.PullPolicy = ""
	s.Scale = nil
	if s.Deploy != nil {
		d := *s.Deploy
		d.Replicas = nil
		s.Deploy = &d
	}
	s.DependsOn = nil
	s.Profiles = nil
	return s
}

// hashJSON is compose-go v2.14.0's json.Marshal of the hash input: v2.16.2's JSON with
// the top-level keys re-emitted in v2.14.0's order (values are byte-identical).
func hashJSON(s types.ServiceConfig) ([]byte, error) {
	raw, err := json.Marshal(hashInput(s))
	if err != nil {
		return nil, err
	}
	return reorderTopLevel(raw)
}

// reorderTopLevel re-emits a JSON object's top-level members sorted by hashKeyRank;
// unknown keys keep their relative order after the known ones.
func reorderTopLevel(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	type member struct {
		key  string
		rank int
		val  json.RawMessage
	}
	var members []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected JSON token %v", t)
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		rank, known := hashKeyRank[key]
		if !known {
			rank = len(hashKeyOrder) + len(members)
		}
		members = append(members, member{key, rank, val})
	}
	// insertion sort: stable and members are few
	for i := 1; i < len(members); i++ {
		for j := i; j > 0 && members[j].rank < members[j-1].rank; j-- {
			members[j], members[j-1] = members[j-1], members[j]
		}
	}
	var buf bytes.Buffer
	buf.Grow(len(raw))
	buf.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(m.key)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(m.val)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// ServiceHash is docker compose v5.5.0's config hash of a service (the value of
// LabelConfigHash and of `docker compose config --hash`): SHA-256, hex, over compose-go
// v2.14.0's JSON of the service with build, pull_policy, scale, deploy.replicas,
// depends_on and profiles cleared. Name, CustomLabels and x-* extensions are never part
// of it. s should be loaded as LoadProject loads it (paths absolute, env_file resolved).
func ServiceHash(s types.ServiceConfig) (string, error) {
	b, err := hashJSON(s)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// NetworkHash is compose's NetworkHash: SHA-256 over the network config's JSON.
func NetworkHash(n types.NetworkConfig) (string, error) {
	return sha256JSON(n)
}

// VolumeHash is compose's VolumeHash: SHA-256 over the volume config's JSON, with an
// empty driver read as "local" as compose does.
func VolumeHash(v types.VolumeConfig) (string, error) {
	if v.Driver == "" {
		v.Driver = "local"
	}
	return sha256JSON(v)
}

func sha256JSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// ServiceHashResolved is the config hash docker compose v5 writes on a container it
// creates: its executor first resolves service references (network_mode, ipc and pid
// "service:x" become "container:<id>"; a volumes_from "x[:mode]" becomes "<id>" and
// "container:name[:mode]" becomes "name"), then hashes (docker/compose #13878). id returns
// the ID of service x's first container. As in compose, resolution stops at the first
// reference id cannot resolve, and what is resolved so far is hashed. Without service
// references it equals ServiceHash. s is not modified.
func ServiceHashResolved(s types.ServiceConfig, id func(service string) (string, bool)) (string, error) {
	s.VolumesFrom = append([]string(nil), s.VolumesFrom...)
	resolveRefs(&s, id)
	return ServiceHash(s)
}

func resolveRefs(s *types.ServiceConfig, id func(string) (string, bool)) {
	for i, v := range s.VolumesFrom {
		spec := strings.Split(v, ":")
		if spec[0] == "container" && len(spec) > 1 {
			s.VolumesFrom[i] = spec[1]
			continue
		}
		cid, ok := id(spec[0])
		if !ok {
			return
		}
		s.VolumesFrom[i] = cid
	}
	for _, mode := range []*string{&s.NetworkMode, &s.Ipc, &s.Pid} {
		name, ok := strings.CutPrefix(*mode, types.ServicePrefix)
		if !ok {
			continue
		}
		cid, found := id(name)
		if !found {
			return
		}
		*mode = types.ContainerPrefix + cid
	}
}
