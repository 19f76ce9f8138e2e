package emulator

import (
	"context"
	"runtime"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

// Version facts the emulator reports.
const (
	APIVersion    = "1.47"
	MinAPIVersion = "1.24"
	EngineVersion = "27.5.1-emulator"
)

// Ping reports the engine's API version, as GET /_ping's headers do.
func (e *Engine) Ping(ctx context.Context, options client.PingOptions) (client.PingResult, error) {
	if err := e.view(ctx, func(*state) error { return nil }); err != nil {
		return client.PingResult{}, err
	}
	return client.PingResult{APIVersion: APIVersion, OSType: "linux", BuilderVersion: "1",
		SwarmStatus: &client.SwarmStatus{NodeState: "inactive"}}, nil
}

// ServerVersion reports the emulated engine's version.
func (e *Engine) ServerVersion(ctx context.Context, options client.ServerVersionOptions) (client.ServerVersionResult, error) {
	if err := e.view(ctx, func(*state) error { return nil }); err != nil {
		return client.ServerVersionResult{}, err
	}
	return client.ServerVersionResult{
		Platform:      client.PlatformInfo{Name: "reconciler emulator"},
		Version:       EngineVersion,
		APIVersion:    APIVersion,
		MinAPIVersion: MinAPIVersion,
		Os:            "linux",
		Arch:          runtime.GOARCH,
		Components: []system.ComponentVersion{{Name: "Engine", Version: EngineVersion, Details: map[string]string{
			"ApiVersion": APIVersion, "MinAPIVersion": MinAPIVersion, "Os": "linux", "Arch": runtime.GOARCH,
		}}},
	}, nil
}

// Info reports counts and the engine's fixed facts.
func (e *Engine) Info(ctx context.Context, options client.InfoOptions) (client.SystemInfoResult, error) {
	var out client.SystemInfoResult
	err := e.view(ctx, func(s *state) error {
		i := system.Info{
			ID: "emulator", Driver: "overlay2", LoggingDriver: "json-file", CgroupDriver: "systemd", CgroupVersion: "2",
			KernelVersion: "emulated", OperatingSystem: "reconciler emulator", OSType: "linux", Architecture: "x86_64",
			IndexServerAddress: "https://index.docker.io/v1/", NCPU: runtime.NumCPU(), DockerRootDir: "/var/lib/docker",
			Name: "emulator", ServerVersion: EngineVersion, DefaultRuntime: "runc", Images: len(s.images),
			SecurityOptions: []string{"name=seccomp,profile=builtin"}, Isolation: "",
			Plugins:            system.PluginsInfo{Volume: []string{"local"}, Network: []string{"bridge", "host", "ipvlan", "macvlan", "null", "overlay"}, Log: []string{"json-file"}},
			SystemTime:         rfc3339(e.now()),
			Warnings:           []string{},
			Labels:             []string{},
			LiveRestoreEnabled: false,
		}
		for _, c := range s.containers {
			i.Containers++
			switch {
			case c.State.Paused:
				i.ContainersPaused++
			case c.State.Running:
				i.ContainersRunning++
			default:
				i.ContainersStopped++
			}
		}
		out.Info = i
		return nil
	})
	return out, err
}

// DiskUsage reports containers, images and volumes as GET /system/df does.
func (e *Engine) DiskUsage(ctx context.Context, options client.DiskUsageOptions) (client.DiskUsageResult, error) {
	var out client.DiskUsageResult
	everything := !options.Containers && !options.Images && !options.Volumes && !options.BuildCache
	err := e.view(ctx, func(s *state) error {
		now := e.now()
		if everything || options.Containers {
			out.Containers.Items = []container.Summary{}
			for _, c := range s.sorted() {
				out.Containers.TotalCount++
				if c.State.Running {
					out.Containers.ActiveCount++
				}
				if options.Verbose {
					out.Containers.Items = append(out.Containers.Items, c.summary(s, now, true))
				}
			}
		}
		if everything || options.Images {
			out.Images.Items = []image.Summary{}
			for _, im := range s.images {
				out.Images.TotalCount++
				out.Images.TotalSize += im.Size
				if len(s.imageUsers(im.ID)) > 0 {
					out.Images.ActiveCount++
				} else {
					out.Images.Reclaimable += im.Size
				}
				if options.Verbose {
					out.Images.Items = append(out.Images.Items, im.summary(s))
				}
			}
		}
		if everything || options.Volumes {
			out.Volumes.Items = []volume.Volume{}
			used := s.usedVolumes()
			for _, v := range s.volumes {
				out.Volumes.TotalCount++
				size := v.Files.size()
				out.Volumes.TotalSize += size
				if used[v.Name] {
					out.Volumes.ActiveCount++
				} else {
					out.Volumes.Reclaimable += size
				}
				if options.Verbose {
					out.Volumes.Items = append(out.Volumes.Items, v.public(s, true))
				}
			}
		}
		return nil
	})
	return out, err
}
