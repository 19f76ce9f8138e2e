package reconciler

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
)

// ErrMissingPayload is wrapped when an action lacks the payload its type needs.
var ErrMissingPayload = errors.New("action has no payload for its type")

// ErrPullFailed wraps an error reported inside an image pull's progress stream.
var ErrPullFailed = errors.New("pull failed")

// do performs one action: exactly one engine call, or one wait; a pull or a
// build is followed by an ImageInspect of what it produced, so that the
// containers this plan creates from it record its id (see imageIDs). It returns
// a warning for a non-required wait that failed.
func (x *executor) do(ctx context.Context, a *planner.Action) (warning string, err error) {
	switch a.Type {
	case planner.CreateNetwork:
		return "", x.createNetwork(ctx, a)
	case planner.RemoveNetwork:
		_, err = x.eng.NetworkRemove(ctx, target(a), client.NetworkRemoveOptions{})
	case planner.ConnectNetwork:
		var ep *network.EndpointSettings
		if len(a.Aliases) > 0 {
			ep = &network.EndpointSettings{Aliases: a.Aliases}
		}
		_, err = x.eng.NetworkConnect(ctx, a.Network, client.NetworkConnectOptions{Container: target(a), EndpointConfig: ep})
	case planner.DisconnectNetwork:
		_, err = x.eng.NetworkDisconnect(ctx, a.Network, client.NetworkDisconnectOptions{Container: target(a)})
	case planner.CreateVolume:
		v := a.VolumeDef
		if v == nil {
			return "", ErrMissingPayload
		}
		_, err = x.eng.VolumeCreate(ctx, client.VolumeCreateOptions{Name: v.Name, Driver: v.Driver, DriverOpts: v.DriverOpts, Labels: v.Labels})
	case planner.RemoveVolume:
		_, err = x.eng.VolumeRemove(ctx, target(a), client.VolumeRemoveOptions{})
	case planner.PullImage:
		if err := x.pull(ctx, a); err != nil {
			return "", err
		}
		return "", x.images.record(ctx, x.eng, imageRef(a))
	case planner.RemoveImage:
		_, err = x.eng.ImageRemove(ctx, target(a), client.ImageRemoveOptions{Force: a.Force})
	case planner.CreateContainer:
		c := a.Container
		if c == nil {
			return "", ErrMissingPayload
		}
		_, err = x.eng.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name: c.Name, Config: x.images.label(c.Config), HostConfig: c.HostConfig, NetworkingConfig: c.NetworkingConfig,
		})
	case planner.StartContainer:
		if x.publishesPorts(a) {
			startMu.Lock()
			defer startMu.Unlock()
		}
		_, err = x.eng.ContainerStart(ctx, target(a), client.ContainerStartOptions{})
	case planner.StopContainer:
		_, err = x.eng.ContainerStop(ctx, target(a), client.ContainerStopOptions{Timeout: a.StopTimeout})
	case planner.RemoveContainer:
		_, err = x.eng.ContainerRemove(ctx, target(a), client.ContainerRemoveOptions{Force: a.Force, RemoveVolumes: a.RemoveVolumes})
	case planner.RenameContainer:
		_, err = x.eng.ContainerRename(ctx, target(a), client.ContainerRenameOptions{NewName: a.NewName})
	case planner.WaitHealthy, planner.WaitCompleted, planner.WaitRunning:
		return x.wait(ctx, a)
	case planner.BuildImage:
		if err := x.build(ctx, a); err != nil {
			return "", err
		}
		return "", x.images.record(ctx, x.eng, imageRef(a))
	default:
		return "", fmt.Errorf("%w: type %d", ErrUnsupportedAction, int(a.Type))
	}
	return "", err
}

// target is the object an action acts on: Target when set, else Resource.
func target(a *planner.Action) string {
	if a.Target != "" {
		return a.Target
	}
	return a.Resource
}

// createNetwork treats Conflict/AlreadyExists as success: a concurrent `up` made it.
func (x *executor) createNetwork(ctx context.Context, a *planner.Action) error {
	n := a.NetworkDef
	if n == nil {
		return ErrMissingPayload
	}
	opts := client.NetworkCreateOptions{
		Driver: n.Driver, Options: n.DriverOpts, Internal: n.Internal, Attachable: n.Attachable,
		IPAM: n.IPAM, Labels: n.Labels,
	}
	if n.EnableIPv6 {
		t := true
		opts.EnableIPv6 = &t
	}
	_, err := x.eng.NetworkCreate(ctx, n.Name, opts)
	if cerrdefs.IsConflict(err) || cerrdefs.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// pull drains the progress stream (forwarding it as events), closes it and
// surfaces an error reported inside the stream.
func (x *executor) pull(ctx context.Context, a *planner.Action) error {
	ref := imageRef(a)
	resp, err := x.eng.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return err
		}
		if msg.Error != nil {
			return fmt.Errorf("%w: %s", ErrPullFailed, msg.Error.Message)
		}
		text := msg.Status
		if msg.ID != "" {
			text = msg.ID + ": " + text
		}
		if text != "" {
			x.emit(Event{Action: a, Status: EventProgress, Text: text})
		}
	}
	return ctx.Err()
}

// publishesPorts reports whether a StartContainer's container publishes host
// ports, from the CreateContainer it depends on. A start with no create in the
// plan (an existing container) is assumed to publish: serialising is safe.
func (x *executor) publishesPorts(a *planner.Action) bool {
	for _, d := range a.DependsOn {
		dep := &x.plan.Actions[d-1]
		if dep.Type != planner.CreateContainer || dep.Container == nil {
			continue
		}
		if dep.Container.Name != target(a) && dep.Resource != target(a) {
			continue
		}
		hc := dep.Container.HostConfig
		if hc == nil {
			return false
		}
		if hc.PublishAllPorts {
			return true
		}
		for _, bs := range hc.PortBindings {
			if len(bs) > 0 {
				return true
			}
		}
		return false
	}
	return true
}
