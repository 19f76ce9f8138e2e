package api

import (
	"encoding/json"
)

// Older API versions carry fields that the moby api module's types (v1.57) no
// longer have. For requests at those versions the handler adds them back to the
// encoded document, with the values dockerd gave them.

// jsonDoc is a JSON object being patched.
type jsonDoc map[string]json.RawMessage

func decodeDoc(v any) (jsonDoc, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d jsonDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return d, nil
}

// setDefault sets key to v unless the document has it.
func (d jsonDoc) setDefault(key string, v any) {
	if _, ok := d[key]; ok {
		return
	}
	b, _ := json.Marshal(v)
	d[key] = b
}

// legacyNetworkKeys are the NetworkSettings fields API 1.52 removed; dockerd
// filled them from the container's endpoint on the default "bridge" network.
var legacyNetworkKeys = []struct {
	key, from string // from: field of the bridge EndpointSettings ("" = constant)
	zero      any
}{
	{"Bridge", "", ""},
	{"HairpinMode", "", false},
	{"LinkLocalIPv6Address", "", ""},
	{"LinkLocalIPv6PrefixLen", "", 0},
	{"SecondaryIPAddresses", "", nil},
	{"SecondaryIPv6Addresses", "", nil},
	{"EndpointID", "EndpointID", ""},
	{"Gateway", "Gateway", ""},
	{"GlobalIPv6Address", "GlobalIPv6Address", ""},
	{"GlobalIPv6PrefixLen", "GlobalIPv6PrefixLen", 0},
	{"IPAddress", "IPAddress", ""},
	{"IPPrefixLen", "IPPrefixLen", 0},
	{"IPv6Gateway", "IPv6Gateway", ""},
	{"MacAddress", "MacAddress", ""},
}

// legacyContainerInspect adds, below API 1.52, the top-level NetworkSettings
// address fields.
func legacyContainerInspect(doc any) (any, error) {
	d, err := decodeDoc(doc)
	if err != nil {
		return nil, err
	}
	var ns jsonDoc
	if raw, ok := d["NetworkSettings"]; !ok || json.Unmarshal(raw, &ns) != nil || ns == nil {
		return d, nil
	}
	var nets map[string]jsonDoc
	_ = json.Unmarshal(ns["Networks"], &nets)
	bridge := nets["bridge"]
	for _, k := range legacyNetworkKeys {
		if raw, ok := bridge[k.from]; ok && k.from != "" {
			ns[k.key] = raw
			continue
		}
		ns.setDefault(k.key, k.zero)
	}
	b, err := json.Marshal(ns)
	if err != nil {
		return nil, err
	}
	d["NetworkSettings"] = b
	return d, nil
}

// legacyImageInspect adds back what newer versions omit: below 1.52 the empty
// Parent, Comment, DockerVersion, Author and Config fields; below 1.45
// Container and ContainerConfig; below 1.44 VirtualSize (equal to Size).
func legacyImageInspect(doc any, version string) (any, error) {
	d, err := decodeDoc(doc)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"Parent", "Comment", "DockerVersion", "Author"} {
		d.setDefault(k, "")
	}
	var cfg jsonDoc
	if raw, ok := d["Config"]; ok && json.Unmarshal(raw, &cfg) == nil && cfg != nil {
		for _, k := range []string{"Cmd", "Entrypoint", "Env", "Labels", "OnBuild", "Volumes"} {
			cfg.setDefault(k, nil)
		}
		cfg.setDefault("User", "")
		cfg.setDefault("WorkingDir", "")
		b, _ := json.Marshal(cfg)
		d["Config"] = b
	}
	if versionLess(version, "1.45") {
		d.setDefault("Container", "")
		d.setDefault("ContainerConfig", map[string]any{})
	}
	if versionLess(version, "1.44") {
		if size, ok := d["Size"]; ok {
			d.setDefault("VirtualSize", size)
		}
	}
	return d, nil
}
