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
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "bad name", Image: "busybox"})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", ""},
	{"create: name starting with dash", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "-web", Image: "busybox"})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid container name (-web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", ""},
	{"create: duplicate name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Image: "busybox"})
		return err
	}, cerrdefs.IsConflict, `prefix:Conflict. The container name "/web" is already in use by container "`, ""},
	{"create: missing image (checked before the name)", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Image: "nope:1"})
		return err
	}, cerrdefs.IsNotFound, "No such image: nope:1", ""},
	{"create: bad host port", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "pp", Image: "busybox", HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "99999"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, `invalid port specification: "99999"`, ""},
	{"create: bad host port range", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "pp", Image: "busybox", HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "90-80"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, `invalid port specification: "90-80"`, ""},
	{"create: unknown network", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "nn", Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "nonet"}})
		return err
	}, cerrdefs.IsNotFound, "network nonet not found", "1.44"},
	{"create: relative bind destination", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "vv", Image: "busybox", HostConfig: &container.HostConfig{Binds: []string{"vol:data"}}})
		return err
	}, cerrdefs.IsInternal, `invalid volume specification: 'vol:data': invalid mount config for type "volume": invalid mount path: 'data' mount path must be absolute`, ""},
	{"create: bad restart policy", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "rr", Image: "busybox", HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "sometimes"}}})
		return err
	}, cerrdefs.IsInvalidArgument, "invalid restart policy 'sometimes'", ""},
	{"create: alias on the default bridge", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "aa", Image: "busybox",
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"bridge": {Aliases: []string{"x"}}}}})
		return err
	}, cerrdefs.IsInvalidArgument, "network-scoped alias is supported only for containers in user defined networks", "1.44"},
	{"inspect: unknown container", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerInspect(ctx, "nope", client.ContainerInspectOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such container: nope", ""},
	{"start: unknown container", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerStart(ctx, "nope", client.ContainerStartOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such container: nope", ""},
	{"remove: running without force", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRemove(ctx, "web", client.ContainerRemoveOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:You cannot remove a running container ", ""},
	{"kill: not running", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerKill(ctx, "idle", client.ContainerKillOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:Cannot kill container: idle: Container ", ""},
	{"kill: bad signal", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerKill(ctx, "web", client.ContainerKillOptions{Signal: "FOO"})
		return err
	}, cerrdefs.IsInvalidArgument, "Invalid signal: FOO", ""},
	{"pause: not running", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerPause(ctx, "idle", client.ContainerPauseOptions{})
		return err
	}, cerrdefs.IsConflict, "prefix:Container ", ""},
	{"unpause: not paused", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerUnpause(ctx, "web", client.ContainerUnpauseOptions{})
		return err
	}, cerrdefs.IsInternal, "prefix:Container ", ""},
	{"rename: to a taken name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, "idle", client.ContainerRenameOptions{NewName: "web"})
		return err
	}, cerrdefs.IsConflict, `prefix:Error when allocating new name: Conflict. The container name "/web" is already in use by container "`, ""},
	{"rename: to the same name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, "idle", client.ContainerRenameOptions{NewName: "idle"})
		return err
	}, cerrdefs.IsInvalidArgument, "Renaming a container with the same name as its current name", ""},
	{"rename: invalid name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ContainerRename(ctx, "idle", client.ContainerRenameOptions{NewName: "bad name"})
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
		_, err := api.ImageInspect(ctx, "nope")
		return err
	}, cerrdefs.IsNotFound, "no such image: nope: No such image: nope:latest", ""},
	{"image remove: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.ImageRemove(ctx, "nope:9", client.ImageRemoveOptions{})
		return err
	}, cerrdefs.IsNotFound, "No such image: nope:9", ""},
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
		_, err := api.ImageTag(ctx, client.ImageTagOptions{Source: "nope:1", Target: "x:1"})
		return err
	}, cerrdefs.IsNotFound, "No such image: nope:1", ""},
	{"network create: duplicate", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, "appnet", client.NetworkCreateOptions{})
		return err
	}, cerrdefs.IsConflict, "network with name appnet already exists", "1.44"},
	{"network create: unknown driver", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, "n2", client.NetworkCreateOptions{Driver: "nodriver"})
		return err
	}, cerrdefs.IsNotFound, `plugin "nodriver" not found`, ""},
	{"network create: overlapping subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, "n2", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.10.0.128/25")}}}})
		return err
	}, cerrdefs.IsPermissionDenied, "Pool overlaps with other one on this address space", ""},
	{"network create: bad CIDR (gateway without subnet)", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, "n2", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{Gateway: netip.MustParseAddr("10.41.0.1")}}}})
		return err
	}, cerrdefs.IsInternal, "Invalid subnet  : invalid CIDR address: ", ""},
	{"network create: gateway outside subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkCreate(ctx, "n2", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{
			Subnet: netip.MustParsePrefix("10.20.0.0/16"), Gateway: netip.MustParseAddr("10.21.0.1")}}}})
		return err
	}, cerrdefs.IsInternal, "failed to allocate gateway (10.21.0.1): Requested address is out of range", ""},
	{"network remove: in use", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, "appnet", client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsPermissionDenied, "prefix:error while removing network: network appnet id ", ""},
	{"network remove: predefined", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, "bridge", client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsPermissionDenied, "bridge is a pre-defined network and cannot be removed", ""},
	{"network remove: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkRemove(ctx, "nonet", client.NetworkRemoveOptions{})
		return err
	}, cerrdefs.IsNotFound, "network nonet not found", ""},
	{"network connect: twice", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkConnect(ctx, "appnet", client.NetworkConnectOptions{Container: "web"})
		return err
	}, cerrdefs.IsPermissionDenied, "endpoint with name web already exists in network appnet", ""},
	{"network disconnect: not connected", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkDisconnect(ctx, "spare", client.NetworkDisconnectOptions{Container: "web"})
		return err
	}, cerrdefs.IsInternal, "prefix:container ", ""},
	{"network connect: static IP outside subnet", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.NetworkConnect(ctx, "spare", client.NetworkConnectOptions{Container: "web", EndpointConfig: &network.EndpointSettings{
			IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.99.0.9")}}})
		return err
	}, cerrdefs.IsInvalidArgument, "user specified IP address is supported only when connecting to networks with user configured subnets", ""},
	{"volume inspect: missing", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeInspect(ctx, "nope", client.VolumeInspectOptions{})
		return err
	}, cerrdefs.IsNotFound, "get nope: no such volume", ""},
	{"volume remove: in use, even forced", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeRemove(ctx, "data", client.VolumeRemoveOptions{Force: true})
		return err
	}, cerrdefs.IsConflict, "prefix:remove data: volume is in use - [", ""},
	{"volume create: invalid name", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "bad/name"})
		return err
	}, cerrdefs.IsInvalidArgument, `create bad/name: "bad/name" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, ""},
	{"volume create: unknown driver", func(ctx context.Context, api emulator.API, fx Fixture) error {
		_, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "v3", Driver: "nope"})
		return err
	}, cerrdefs.IsNotFound, `create v3: error looking up volume plugin nope: plugin "nope" not found`, ""},
}
