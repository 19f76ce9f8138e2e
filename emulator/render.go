package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/storage"
)

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (st ctrState) public() *container.State {
	out := &container.State{
		Status: st.Status, Running: st.Running, Paused: st.Paused, Restarting: st.Restarting,
		OOMKilled: st.OOMKilled, Dead: st.Dead, Pid: st.Pid, ExitCode: st.ExitCode, Error: st.Error,
		StartedAt: rfc3339(st.StartedAt), FinishedAt: rfc3339(st.FinishedAt),
	}
	if st.Health != nil {
		h := *st.Health
		h.Log = slices.Clone(h.Log)
		if h.Log == nil {
			h.Log = []*container.HealthcheckResult{}
		}
		out.Health = &h
	}
	return out
}

func (c *ctrRec) networksCopy() map[string]*network.EndpointSettings {
	out := make(map[string]*network.EndpointSettings, len(c.Networks))
	for k, ep := range c.Networks {
		out[k] = cloneEndpoint(ep)
	}
	return out
}

// portsView is NetworkSettings.Ports: the bindings while running, {} otherwise.
func (c *ctrRec) portsView() network.PortMap {
	out := network.PortMap{}
	if !c.State.Running {
		return out
	}
	for p, bs := range c.Ports {
		out[p] = slices.Clone(bs)
	}
	return out
}

func (c *ctrRec) inspect(s *state, now time.Time, size bool) container.InspectResponse {
	dir := "/var/lib/docker/containers/" + c.ID + "/"
	out := container.InspectResponse{
		ID: c.ID, Created: rfc3339(c.Created), Path: c.Path, Args: slices.Clone(c.Args),
		State: c.State.public(), Image: c.ImageID,
		ResolvConfPath: dir + "resolv.conf", HostnamePath: dir + "hostname", HostsPath: dir + "hosts",
		LogPath: dir + c.ID + "-json.log", Name: "/" + c.Name, RestartCount: c.RestartCount,
		Driver: "overlay2", Platform: "linux", HostConfig: clone(c.HostConfig),
		GraphDriver: &storage.DriverData{Name: "overlay2", Data: map[string]string{
			"MergedDir": "/var/lib/docker/overlay2/" + c.ID + "/merged",
			"UpperDir":  "/var/lib/docker/overlay2/" + c.ID + "/diff",
			"WorkDir":   "/var/lib/docker/overlay2/" + c.ID + "/work",
		}},
		Mounts: slices.Clone(c.Mounts), Config: clone(c.Config),
		NetworkSettings: &container.NetworkSettings{Ports: c.portsView(), Networks: c.networksCopy()},
	}
	if out.Mounts == nil {
		out.Mounts = []container.MountPoint{}
	}
	if c.State.Running {
		out.NetworkSettings.SandboxID = shortSandbox(c.ID)
		out.NetworkSettings.SandboxKey = "/var/run/docker/netns/" + shortSandbox(c.ID)[:12]
	}
	if size {
		var rw, root int64
		if im := s.images[c.ImageID]; im != nil {
			root = im.Size
		}
		out.SizeRw, out.SizeRootFs = &rw, &root
	}
	return out
}

func shortSandbox(id string) string { return digestOf("sandbox", id)[7:] }

// command is the list's Command: path and args, args with spaces quoted.
func (c *ctrRec) command() string {
	if len(c.Args) == 0 {
		return c.Path
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		args[i] = a
	}
	return c.Path + " " + strings.Join(args, " ")
}

// statusText is the list's Status column.
func (c *ctrRec) statusText(now time.Time) string {
	st := c.State
	switch {
	case st.Restarting:
		return fmt.Sprintf("Restarting (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
	case st.Paused:
		return "Up " + units.HumanDuration(now.Sub(st.StartedAt)) + " (Paused)"
	case st.Running:
		s := "Up " + units.HumanDuration(now.Sub(st.StartedAt))
		if st.Health != nil {
			switch st.Health.Status {
			case container.Starting:
				s += " (health: starting)"
			case container.Healthy, container.Unhealthy:
				s += " (" + string(st.Health.Status) + ")"
			}
		}
		return s
	case st.Dead:
		return "Dead"
	case st.Status == container.StateCreated:
		return "Created"
	case st.FinishedAt.IsZero():
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
}

func (c *ctrRec) portSummaries() []container.PortSummary {
	out := []container.PortSummary{}
	if !c.State.Running {
		return out
	}
	ports := make([]network.Port, 0, len(c.Ports))
	for p := range c.Ports {
		ports = append(ports, p)
	}
	slices.SortFunc(ports, func(a, b network.Port) int { return strings.Compare(a.String(), b.String()) })
	for _, p := range ports {
		bs := c.Ports[p]
		if len(bs) == 0 {
			out = append(out, container.PortSummary{PrivatePort: p.Num(), Type: string(p.Proto())})
			continue
		}
		for _, b := range bs {
			var pub uint16
			fmt.Sscan(b.HostPort, &pub) //nolint:errcheck // HostPort is a number we wrote
			out = append(out, container.PortSummary{IP: b.HostIP, PrivatePort: p.Num(), PublicPort: pub, Type: string(p.Proto())})
		}
	}
	return out
}

func (c *ctrRec) summary(s *state, now time.Time, size bool) container.Summary {
	out := container.Summary{
		ID: c.ID, Names: []string{"/" + c.Name}, Image: c.Config.Image, ImageID: c.ImageID, Command: c.command(),
		Created: c.Created.Unix(), Ports: c.portSummaries(), Labels: cloneMap(c.Config.Labels),
		State: c.State.Status, Status: c.statusText(now),
		NetworkSettings: &container.NetworkSettingsSummary{Networks: c.networksCopy()},
		Mounts:          slices.Clone(c.Mounts),
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if out.Mounts == nil {
		out.Mounts = []container.MountPoint{}
	}
	out.HostConfig.NetworkMode = string(c.HostConfig.NetworkMode)
	if c.State.Health != nil {
		out.Health = &container.HealthSummary{Status: c.State.Health.Status, FailingStreak: c.State.Health.FailingStreak}
	}
	if size {
		if im := s.images[c.ImageID]; im != nil {
			out.SizeRootFs = im.Size
		}
	}
	return out
}
