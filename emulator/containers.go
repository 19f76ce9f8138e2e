package emulator

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

const labelProject = "com.docker.compose.project"

func cloneContainer(c *ctrRec) *ctrRec {
	out := *c
	out.Networks = make(map[string]*network.EndpointSettings, len(c.Networks))
	for k, ep := range c.Networks {
		out.Networks[k] = cloneEndpoint(ep)
	}
	out.Ports = maps.Clone(c.Ports)
	out.Mounts = slices.Clone(c.Mounts)
	out.Args = slices.Clone(c.Args)
	out.Runs = slices.Clone(c.Runs)
	out.Layer = c.Layer.clone()
	out.Binds = cloneTrees(c.Binds)
	out.Tmpfs = cloneTrees(c.Tmpfs)
	out.Execs = slices.Clone(c.Execs)
	out.rawInspect = nil
	if c.State.Health != nil {
		h := *c.State.Health
		h.Log = slices.Clone(h.Log)
		out.State.Health = &h
	}
	return &out
}

// netMode is the container's network mode with "default" resolved to "bridge".
func (c *ctrRec) netMode() string {
	m := string(c.HostConfig.NetworkMode)
	if m == "" || m == "default" {
		return "bridge"
	}
	return m
}

func checkRestartPolicy(hc *container.HostConfig) error {
	rp := hc.RestartPolicy
	switch rp.Name {
	case "", container.RestartPolicyDisabled, container.RestartPolicyAlways, container.RestartPolicyUnlessStopped:
		if rp.MaximumRetryCount != 0 {
			return errInvalid("maximum retry count cannot be used with restart policy '%s'", rp.Name)
		}
	case container.RestartPolicyOnFailure:
		if rp.MaximumRetryCount < 0 {
			return errInvalid("maximum retry count cannot be negative")
		}
	default:
		return errInvalid("invalid restart policy '%s'", rp.Name)
	}
	if hc.AutoRemove && !rp.IsNone() {
		return errInvalid("can't create 'AutoRemove' container with restart policy")
	}
	return nil
}

func invalidName(name string) error {
	return errInvalid("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
}

func nameConflict(name, id string) error {
	return errConflict("Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", name, id)
}

// ContainerCreate creates a container from a local image, as dockerd does: the
// image's config fills what the request leaves empty, named volumes are created
// when missing and image VOLUMEs get anonymous volumes.
func (e *Engine) ContainerCreate(ctx context.Context, options client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	var out client.ContainerCreateResult
	cfg := clone(options.Config)
	if options.Image != "" {
		if cfg != nil && cfg.Image != "" {
			return out, errInvalid("either Image or config.Image should be set")
		}
		if cfg == nil {
			cfg = &container.Config{}
		}
		cfg.Image = options.Image
	}
	if cfg == nil || cfg.Image == "" {
		return out, errInvalid("config.Image or Image is required")
	}
	hc := clone(options.HostConfig)
	if hc == nil {
		hc = &container.HostConfig{}
	}
	if err := checkPortBindings(hc.PortBindings); err != nil {
		return out, err
	}
	if err := checkRestartPolicy(hc); err != nil {
		return out, err
	}
	var epCfg map[string]*network.EndpointSettings
	if options.NetworkingConfig != nil {
		epCfg = options.NetworkingConfig.EndpointsConfig
	}
	err := e.updateOp(ctx, OpContainerCreate, createTarget(options), func(t *txn) error {
		im, err := t.s.lookupImage(cfg.Image)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(options.Name, "/")
		if options.Name != "" && !validName.MatchString(name) {
			return invalidName(name)
		}
		if name == "" {
			name = t.s.generateName()
		}
		if id, taken := t.s.names[name]; taken {
			return nameConflict(name, id)
		}
		id := newID()
		mergeImageConfig(cfg, im)
		if cfg.Hostname == "" {
			cfg.Hostname = id[:12]
		}
		if len(cfg.Entrypoint) == 0 && len(cfg.Cmd) == 0 {
			return errInvalid("No command specified")
		}
		argv := append(slices.Clone(cfg.Entrypoint), cfg.Cmd...)
		c := &ctrRec{
			ID: id, Name: name, Created: t.now, Path: argv[0], Args: argv[1:], Config: cfg, HostConfig: hc,
			ImageID: im.ID, State: ctrState{Status: container.StateCreated},
			Networks: map[string]*network.EndpointSettings{}, Ports: network.PortMap{},
		}
		defaultHostConfig(hc)
		if err := t.setNetworks(c, epCfg); err != nil {
			return err
		}
		reqs, err := mountRequests(cfg, hc)
		if err != nil {
			return err
		}
		for _, r := range reqs {
			mp := r.mp
			if mp.Type == "volume" {
				v, err := t.createVolume(mp.Name, "", nil, nil, r.anon)
				if err != nil {
					return err
				}
				mp.Name, mp.Source = v.Name, v.Mountpoint
			}
			c.Mounts = append(c.Mounts, mp)
		}
		slices.SortFunc(c.Mounts, func(a, b container.MountPoint) int { return strings.Compare(a.Destination, b.Destination) })
		c.Seq = t.nextSeq()
		t.putContainer(c)
		t.containerEvent(events.ActionCreate, c, nil)
		out.ID = id
		out.Warnings = []string{}
		return nil
	})
	return out, err
}

// defaultHostConfig fills the fields dockerd fills at create.
func defaultHostConfig(hc *container.HostConfig) {
	if hc.NetworkMode == "" {
		hc.NetworkMode = "default" // as dockerd records it; the network is "bridge"
	}
	if hc.LogConfig.Type == "" {
		hc.LogConfig.Type = "json-file"
	}
	if hc.LogConfig.Config == nil {
		hc.LogConfig.Config = map[string]string{}
	}
	if hc.IpcMode == "" {
		hc.IpcMode = "private"
	}
	if hc.CgroupnsMode == "" {
		hc.CgroupnsMode = "private"
	}
	if hc.ShmSize == 0 {
		hc.ShmSize = 64 << 20
	}
	if hc.Runtime == "" {
		hc.Runtime = "runc"
	}
	if hc.PortBindings == nil {
		hc.PortBindings = network.PortMap{}
	}
}

// mergeImageConfig fills cfg from the image as dockerd's merge does.
func mergeImageConfig(cfg *container.Config, im *imgRec) {
	ic := im.Config
	if cfg.User == "" {
		cfg.User = ic.User
	}
	if len(cfg.Env) == 0 {
		cfg.Env = slices.Clone(ic.Env)
	} else {
		for _, ie := range ic.Env {
			k, _, _ := strings.Cut(ie, "=")
			if !slices.ContainsFunc(cfg.Env, func(ue string) bool { uk, _, _ := strings.Cut(ue, "="); return uk == k }) {
				cfg.Env = append(cfg.Env, ie)
			}
		}
	}
	for p := range ic.ExposedPorts {
		if port, err := network.ParsePort(p); err == nil {
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = network.PortSet{}
			}
			cfg.ExposedPorts[port] = struct{}{}
		}
	}
	for k, v := range ic.Labels {
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		if _, ok := cfg.Labels[k]; !ok {
			cfg.Labels[k] = v
		}
	}
	if len(cfg.Entrypoint) == 0 {
		if len(cfg.Cmd) == 0 {
			cfg.Cmd = slices.Clone(ic.Cmd)
		}
		if cfg.Entrypoint == nil {
			cfg.Entrypoint = slices.Clone(ic.Entrypoint)
		}
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = ic.WorkingDir
	}
	for v := range ic.Volumes {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		cfg.Volumes[v] = struct{}{}
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = ic.StopSignal
	}
	if ic.Healthcheck != nil {
		if cfg.Healthcheck == nil {
			h := *ic.Healthcheck
			h.Test = slices.Clone(h.Test)
			cfg.Healthcheck = &h
		} else {
			h := cfg.Healthcheck
			if len(h.Test) == 0 {
				h.Test = slices.Clone(ic.Healthcheck.Test)
			}
			if h.Interval == 0 {
				h.Interval = ic.Healthcheck.Interval
			}
			if h.Timeout == 0 {
				h.Timeout = ic.Healthcheck.Timeout
			}
			if h.StartPeriod == 0 {
				h.StartPeriod = ic.Healthcheck.StartPeriod
			}
			if h.StartInterval == 0 {
				h.StartInterval = ic.Healthcheck.StartInterval
			}
			if h.Retries == 0 {
				h.Retries = ic.Healthcheck.Retries
			}
		}
	}
}

// setNetworks records the endpoints a new container asks for (addresses come at start).
func (t *txn) setNetworks(c *ctrRec, epCfg map[string]*network.EndpointSettings) error {
	mode := c.netMode()
	if strings.HasPrefix(mode, "container:") {
		if _, err := t.s.lookupContainer(strings.TrimPrefix(mode, "container:")); err != nil {
			return err
		}
		return nil
	}
	primary, err := t.s.lookupNetwork(mode)
	if err != nil {
		return err
	}
	add := func(n *netRec, ep *network.EndpointSettings) error {
		if ep == nil {
			ep = &network.EndpointSettings{}
		} else {
			ep = cloneEndpoint(ep)
		}
		if err := checkEndpointConfig(n, ep); err != nil {
			return err
		}
		ep.NetworkID, ep.EndpointID = "", ""
		c.Networks[n.Name] = ep
		return nil
	}
	// The primary endpoint may be keyed by the mode as requested ("default",
	// as the docker CLI 25+ sends it), as resolved ("bridge"), or the network.
	isPrimary := func(ref string) bool {
		return ref == mode || ref == string(c.HostConfig.NetworkMode) || ref == primary.Name || ref == primary.ID
	}
	var primaryEP *network.EndpointSettings
	for ref, ep := range epCfg {
		if isPrimary(ref) {
			primaryEP = ep
		}
	}
	if err := add(primary, primaryEP); err != nil {
		return err
	}
	if mode == "host" || mode == "none" {
		return nil
	}
	refs := slices.Sorted(maps.Keys(epCfg))
	for _, ref := range refs {
		if isPrimary(ref) {
			continue
		}
		n, err := t.s.lookupNetwork(ref)
		if err != nil {
			return err
		}
		if err := add(n, epCfg[ref]); err != nil {
			return err
		}
	}
	return nil
}

// ContainerInspect returns the container as GET /containers/{id}/json shows it.
func (e *Engine) ContainerInspect(ctx context.Context, ref string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	var out client.ContainerInspectResult
	err := e.viewOp(ctx, OpContainerInspect, faultTarget{ref: ref, kind: 'c'}, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		out.Container = c.inspect(s, e.now(), options.Size)
		if options.Size {
			out.Raw, err = json.Marshal(out.Container)
			return err
		}
		// A stored record never changes (writers put clones), so its JSON
		// is computed once; the engine lock guards the cache.
		if c.rawInspect == nil {
			if c.rawInspect, err = json.Marshal(out.Container); err != nil {
				return err
			}
		}
		out.Raw = slices.Clone(c.rawInspect)
		return nil
	})
	return out, err
}

// ContainerRename renames a container.
func (e *Engine) ContainerRename(ctx context.Context, ref string, options client.ContainerRenameOptions) (client.ContainerRenameResult, error) {
	newName := strings.TrimSpace(options.NewName)
	if strings.TrimPrefix(newName, "/") == "" {
		return client.ContainerRenameResult{}, errInvalid("new name cannot be blank")
	}
	newName = strings.TrimPrefix(newName, "/")
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if c.Name == newName {
			return errInvalid("Renaming a container with the same name as its current name")
		}
		if !validName.MatchString(newName) {
			return errInvalid("Error when allocating new name: Invalid container name (/%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", newName)
		}
		if id, taken := t.s.names[newName]; taken {
			return errConflict("Error when allocating new name: Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", newName, id)
		}
		old := c.Name
		c = cloneContainer(c)
		c.Name = newName
		for _, ep := range c.Networks {
			if len(ep.DNSNames) > 0 && ep.DNSNames[0] == old {
				ep.DNSNames[0] = newName
			}
		}
		t.putContainer(c)
		t.containerEvent(events.ActionRename, c, map[string]string{"oldName": "/" + old})
		return nil
	})
	return client.ContainerRenameResult{}, err
}

// ContainerRemove removes a container; a running or paused one only with Force.
// RemoveVolumes also removes its anonymous volumes that no other container uses.
func (e *Engine) ContainerRemove(ctx context.Context, ref string, options client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	err := e.updateOp(ctx, OpContainerRemove, faultTarget{ref: ref, kind: 'c'}, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		return t.removeContainer(c, options.Force, options.RemoveVolumes)
	})
	return client.ContainerRemoveResult{}, err
}

func (t *txn) removeContainer(c *ctrRec, force, removeVolumes bool) error {
	if c.State.Paused && !force {
		return errConflict("You cannot remove a paused container %s. Unpause and then stop the container before attempting removal or force remove", c.ID)
	}
	if c.State.Restarting && !force {
		return errConflict("You cannot remove a restarting container %s. Stop the container before attempting removal or force remove", c.ID)
	}
	if c.State.Running && !force {
		return errConflict("You cannot remove a running container %s. Stop the container before attempting removal or force remove", c.ID)
	}
	if c.State.Running {
		c = cloneContainer(c)
		t.exit(c, 137, "9")
	}
	t.delContainer(c.ID)
	if removeVolumes {
		for _, m := range c.Mounts {
			if m.Type != "volume" {
				continue
			}
			v := t.s.volumes[m.Name]
			if v == nil || !v.Anonymous || len(t.s.volumeUsers(v.Name)) > 0 {
				continue
			}
			t.delVolume(v.Name)
			t.volumeEvent(events.ActionDestroy, v, nil)
		}
	}
	t.containerEvent(events.ActionDestroy, c, nil)
	return nil
}

// ContainerPrune removes every container that is not running (created, exited, dead)
// and matches the label and until filters.
func (e *Engine) ContainerPrune(ctx context.Context, opts client.ContainerPruneOptions) (client.ContainerPruneResult, error) {
	var out client.ContainerPruneResult
	f, err := newFilter(opts.Filters, containerPruneFilters)
	if err != nil {
		return out, err
	}
	err = e.update(ctx, func(t *txn) error {
		until, err := f.until(t.now)
		if err != nil {
			return err
		}
		list := slices.Clone(t.s.sorted())
		slices.Reverse(list)
		for _, c := range list {
			if c.State.Running || c.State.Restarting || !f.labelsMatch(c.Config.Labels) || (!until.IsZero() && !c.Created.Before(until)) {
				continue
			}
			if err := t.removeContainer(c, false, false); err != nil {
				return err
			}
			out.Report.ContainersDeleted = append(out.Report.ContainersDeleted, c.ID)
		}
		t.emit(events.ContainerEventType, events.ActionPrune, "", map[string]string{"reclaimed": "0"})
		return nil
	})
	return out, err
}

// ContainerTop lists the container's (simulated) processes.
func (e *Engine) ContainerTop(ctx context.Context, ref string, options client.ContainerTopOptions) (client.ContainerTopResult, error) {
	var out client.ContainerTopResult
	err := e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Running {
			return errConflict("Container %s is not running", c.ID)
		}
		out.Titles = []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}
		out.Processes = [][]string{{"root", strconv.Itoa(c.State.Pid), strconv.Itoa(c.State.Pid - 1), "0",
			c.State.StartedAt.Format("15:04"), "?", "00:00:00", strings.Join(append([]string{c.Path}, c.Args...), " ")}}
		return nil
	})
	return out, err
}
