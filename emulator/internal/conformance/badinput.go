package conformance

import (
	"context"
	"net/netip"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// Call is one engine call of a scenario, made on the fixture's engine.
type Call func(ctx context.Context, api emulator.API, fx Fixture) error

// BadInputCase is a call dockerd rejects: the error's errdefs class and exact text
// (a Msg starting "prefix:" matches a prefix, for texts holding ids).
type BadInputCase struct {
	Name  string
	Call  Call
	Class func(error) bool
	Msg   string
	Since string // API version that behaves so ("": all); older servers skip the case
}

// BadInputCases lists the bad-input scenarios, each meant to run on a fresh
// SetupFixture.
func BadInputCases() []BadInputCase { return badInput }

var badInput = []BadInputCase{
	{"create: invalid name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, bb(fx, "bad name"))
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", ""},
	{"create: name starting with dash", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, bb(fx, "-web"))
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid container name (-web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", ""},
	{"create: duplicate name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, bb(fx, fx.Name("web")))
		return err
	}, cerrdefs.IsConflict, `prefix:Conflict. The container name "/{p}web" is already in use by container "`, ""},
	{"create: missing image (checked before the name)", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, withImage(bb(fx, fx.Name("web")), fx.Name("nope:1")))
		return err
	}, cerrdefs.IsNotFound, "No such image: {p}nope:1", ""},
	{"create: bad host port", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("pp"), Image: "busybox", Config: cmdConfig(fx), HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "99999"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, `invalid port specification: "99999"`, ""},
	{"create: bad host port range", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("pp"), Image: "busybox", Config: cmdConfig(fx), HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "90-80"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, `invalid port specification: "90-80"`, ""},
	{"create: unknown network", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("nn"), Image: "busybox", Config: cmdConfig(fx), HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(fx.Name("nonet"))}})
		return err
	}, cerrdefs.IsNotFound, "network {p}nonet not found", "1.44"},
	{"create: relative bind destination", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("vv"), Image: "busybox", Config: cmdConfig(fx), HostConfig: &container.HostConfig{Binds: []string{fx.Name("vol") + ":data"}}})
		return err
	}, cerrdefs.IsInternal, `invalid volume specification: '{p}vol:data': invalid mount config for type "volume": invalid mount path: 'data' mount path must be absolute`, ""},
	{"create: bad restart policy", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("rr"), Image: "busybox", Config: cmdConfig(fx), HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "sometimes"}}})
		return err
	}, cerrdefs.IsInvalidArgument, "invalid restart policy 'sometimes'", ""},
	{"create: alias on the default bridge", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("aa"), Image: "busybox", Config: cmdConfig(fx),
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"bridge": {Aliases: []string{"x"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, "network-scoped alias is supported only for containers in user defined networks", "1.44"},
	{"inspect: unknown container", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerInspect(ctx, fx.Name("nope"), client.ContainerInspectOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such container: {p}nope", ""},
	{"start: unknown container", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerStart(ctx, fx.Name("nope"), client.ContainerStartOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such container: {p}nope", ""},
	{"remove: running without force", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRemove(ctx, fx.Name("web"), client.ContainerRemoveOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:You cannot remove a running container ", ""},
	{"kill: not running", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerKill(ctx, fx.Name("idle"), client.ContainerKillOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:Cannot kill container: {p}idle: Container ", ""},
	{"kill: bad signal", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerKill(ctx, fx.Name("web"), client.ContainerKillOptions{Signal: "FOO"})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid signal: FOO", ""},
	{"pause: not running", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerPause(ctx, fx.Name("idle"), client.ContainerPauseOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:Container ", ""},
	{"unpause: not paused", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerUnpause(ctx, fx.Name("web"), client.ContainerUnpauseOptions{})
		return err
	}, cerrdefs.IsInternal, "prefix:Container ", ""},
	{"rename: to a taken name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, fx.Name("idle"), client.ContainerRenameOptions{NewName: fx.Name("web")})
		return err
	}, cerrdefs.IsConflict, `prefix:Error when allocating new name: Conflict. The container name "/{p}web" is already in use by container "`, ""},
	{"rename: to the same name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, fx.Name("idle"), client.ContainerRenameOptions{NewName: fx.Name("idle")})
		return err
	}, cerrdefs.IsInvalidArgument, "Renaming a container with the same name as its current name", ""},
	{"rename: invalid name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, fx.Name("idle"), client.ContainerRenameOptions{NewName: "bad name"})
		return err
	}, cerrdefs.IsInvalidArgument, "Error when allocating new name: Invalid container name (/bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", ""},
	{"list: unknown filter key", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: client.Filters{}.Add("foo", "bar")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'foo'", ""},
	{"list: bad status value", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: client.Filters{}.Add("status", "bogus")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'status=bogus'", ""},
	{"prune containers: status filter", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: client.Filters{}.Add("status", "exited")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'status'", ""},
	{"image list: bad dangling value", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("dangling", "maybe")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'dangling=[maybe]'", ""},
	{"image list: unknown filter key", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("foo", "x")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'foo'", ""},
	{"network list: unknown filter key", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("foo", "x")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'foo'", ""},
	{"network list: bad type", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("type", "x")})
		return err
	}, cerrdefs.IsInternal, "invalid filter: 'type'='x'", ""},
	{"volume list: unknown filter key", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("foo", "x")})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid filter 'foo'", ""},
	{"image inspect: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageInspect(ctx, fx.Name("nope"))
		return err
	}, cerrdefs.IsNotFound, "no such image: {p}nope: No such image: {p}nope:latest", ""},
	{"image remove: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageRemove(ctx, fx.Name("nope:9"), client.ImageRemoveOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such image: {p}nope:9", ""},
	{"image remove: tag in use", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageRemove(ctx, "nginx", client.ImageRemoveOptions{})
		return err
	}, cerrdefs.IsConflict, `prefix:conflict: unable to remove repository reference "nginx" (must force) - container `, ""},
	{"image remove: id used by a stopped container", func(ctx context.Context, api emulator.API, fx Fixture) error {
		im, err := api.ImageInspect(ctx, "busybox")
		if err != nil {
			return err
		}
		_, err = api.ImageRemove(ctx, im.ID[7:19], client.ImageRemoveOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:conflict: unable to delete ", ""},
	{"image tag: missing source", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageTag(ctx, client.ImageTagOptions{Source: fx.Name("nope:1"), Target: fx.Name("x:1")})
		return err
	}, cerrdefs.IsNotFound, "No such image: {p}nope:1", ""},
	{"network create: duplicate", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, fx.Name("appnet"), client.NetworkCreateOptions{})
		return err
	}, cerrdefs.IsConflict, "network with name {p}appnet already exists", "1.44"},
	{"network create: unknown driver", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, fx.Name("n2"), client.NetworkCreateOptions{Driver: "nodriver"})
		return err
	}, cerrdefs.IsNotFound, `plugin "nodriver" not found`, ""},
	{"network create: overlapping subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, fx.Name("n2"), client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.10.0.128/25")}}}})
		return err
	}, cerrdefs.IsPermissionDenied, "Pool overlaps with other one on this address space", ""},
	{"network create: bad CIDR (gateway without subnet)", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, fx.Name("n2"), client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Gateway: netip.MustParseAddr("10.41.0.1")}}}})
		return err
	}, cerrdefs.IsInternal, "Invalid subnet  : invalid CIDR address: ", ""},
	{"network create: gateway outside subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, fx.Name("n2"), client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{
			Subnet: netip.MustParsePrefix("10.20.0.0/16"), Gateway: netip.MustParseAddr("10.21.0.1")}}}})
		return err
	}, cerrdefs.IsInternal, "failed to allocate gateway (10.21.0.1): Requested address is out of range", ""},
	{"network remove: in use", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, fx.Name("appnet"), client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsPermissionDenied, "prefix:error while removing network: network {p}appnet id ", ""},
	{"network remove: predefined", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, "bridge", client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsPermissionDenied, "bridge is a pre-defined network and cannot be removed", ""},
	{"network remove: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, fx.Name("nonet"), client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsNotFound, "network {p}nonet not found", ""},
	{"network connect: twice", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkConnect(ctx, fx.Name("appnet"), client.NetworkConnectOptions{Container: fx.Name("web")})
		return err
	}, cerrdefs.IsPermissionDenied, "endpoint with name {p}web already exists in network {p}appnet", ""},
	{"network disconnect: not connected", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkDisconnect(ctx, fx.Name("spare"), client.NetworkDisconnectOptions{Container: fx.Name("web")})
		return err
	}, cerrdefs.IsInternal, "prefix:container ", ""},
	{"network connect: static IP outside subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkConnect(ctx, fx.Name("spare"), client.NetworkConnectOptions{Container: fx.Name("web"), EndpointConfig: &network.EndpointSettings{
			IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.99.0.9")}}})
		return err
	}, cerrdefs.IsInvalidArgument, "user specified IP address is supported only when connecting to networks with user configured subnets", ""},
	{"volume inspect: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeInspect(ctx, fx.Name("nope"), client.VolumeInspectOptions{})
		return err
	}, cerrdefs.IsNotFound, "get {p}nope: no such volume", ""},
	{"volume remove: in use, even forced", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeRemove(ctx, fx.Name("data"), client.VolumeRemoveOptions{Force: true})
		return err
	}, cerrdefs.IsConflict, "prefix:remove {p}data: volume is in use - [", ""},
	{"volume create: invalid name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "bad/name"})
		return err
	}, cerrdefs.IsInvalidArgument, `create bad/name: "bad/name" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, ""},
	{"volume create: unknown driver", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: fx.Name("v3"), Driver: "nope"})
		return err
	}, cerrdefs.IsNotFound, `create {p}v3: error looking up volume plugin nope: plugin "nope" not found`, ""},
}

// cmdConfig is the Config of a case's busybox container: an explicit command
// (the busybox imported on a real dockerd has none, the emulator's has
// CMD ["sh"]; without one dockerd answers "No command specified" before any
// other check) and the run's label.
func cmdConfig(fx Fixture) *container.Config {
	return &container.Config{Cmd: []string{"sh"}, Labels: fx.Labels()}
}

// bb returns create options for a busybox container named name.
func bb(fx Fixture, name string) client.ContainerCreateOptions {
	return client.ContainerCreateOptions{Name: name, Image: "busybox", Config: cmdConfig(fx)}
}

// withImage returns opts with another image.
func withImage(opts client.ContainerCreateOptions, image string) client.ContainerCreateOptions {
	opts.Image = image
	return opts
}
