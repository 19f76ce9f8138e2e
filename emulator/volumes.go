package emulator

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

const volumesRoot = "/var/lib/docker/volumes/"

func (v *volRec) public(s *state, usage bool) volume.Volume {
	out := v.Volume
	out.Labels = cloneMap(v.Labels)
	out.Options = cloneMap(v.Options)
	if usage {
		out.UsageData = &volume.UsageData{RefCount: int64(len(s.volumeUsers(v.Name))), Size: v.Files.size()}
	}
	return out
}

// volumeUsers returns the ids of the containers (running or not) that mount the volume.
func (s *state) volumeUsers(name string) []string {
	var out []string
	for _, c := range s.sorted() {
		for _, m := range c.Mounts {
			if m.Type == "volume" && m.Name == name {
				out = append(out, c.ID)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// createVolume creates (or, for an existing name, returns) a local volume.
func (t *txn) createVolume(name, driver string, opts, labels map[string]string, anonymous bool) (*volRec, error) {
	if driver == "" {
		driver = "local"
	}
	if name != "" && !validName.MatchString(name) {
		return nil, errInvalid("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name, name)
	}
	if driver != "local" {
		return nil, errNotFound("create %s: error looking up volume plugin %s: plugin %q not found", name, driver, driver)
	}
	if name == "" {
		name = newID()
		anonymous = true
	}
	if v := t.s.volumes[name]; v != nil {
		t.volumeEvent(events.ActionCreate, v, nil)
		return v, nil
	}
	v := &volRec{
		Volume: volume.Volume{
			CreatedAt: t.now.Format(time.RFC3339), Driver: driver, Labels: cloneMap(labels),
			Mountpoint: volumesRoot + name + "/_data", Name: name, Options: cloneMap(opts), Scope: "local",
		},
		Created: t.now, Anonymous: anonymous,
	}
	if len(v.Options) == 0 {
		v.Options = nil
	}
	t.putVolume(v)
	t.volumeEvent(events.ActionCreate, v, nil)
	return v, nil
}

// VolumeCreate creates a volume; an existing name returns the existing volume
// unchanged, an empty name creates an anonymous volume.
func (e *Engine) VolumeCreate(ctx context.Context, options client.VolumeCreateOptions) (client.VolumeCreateResult, error) {
	var out client.VolumeCreateResult
	err := e.updateOp(ctx, OpVolumeCreate, faultTarget{Names: []string{options.Name}, Labels: options.Labels}, func(t *txn) error {
		v, err := t.createVolume(options.Name, options.Driver, options.DriverOpts, options.Labels, false)
		if err != nil {
			return err
		}
		out.Volume = v.public(t.s, false)
		return nil
	})
	return out, err
}

// VolumeInspect returns a volume by exact name.
func (e *Engine) VolumeInspect(ctx context.Context, name string, options client.VolumeInspectOptions) (client.VolumeInspectResult, error) {
	var out client.VolumeInspectResult
	err := e.view(ctx, func(s *state) error {
		v, err := s.lookupVolume(name)
		if err != nil {
			return err
		}
		out.Volume = v.public(s, false)
		return nil
	})
	if err == nil {
		out.Raw, err = json.Marshal(out.Volume)
	}
	return out, err
}

// VolumeList lists volumes by name, filtered as dockerd filters them.
func (e *Engine) VolumeList(ctx context.Context, options client.VolumeListOptions) (client.VolumeListResult, error) {
	out := client.VolumeListResult{Items: []volume.Volume{}}
	f, err := newFilter(options.Filters, volumeListFilters)
	if err != nil {
		return out, err
	}
	dangling, hasDangling, err := f.boolValue("dangling")
	if err != nil {
		return out, err
	}
	err = e.view(ctx, func(s *state) error {
		names := make([]string, 0, len(s.volumes))
		for n := range s.volumes {
			names = append(names, n)
		}
		sort.Strings(names)
		used := s.usedVolumes()
		for _, n := range names {
			v := s.volumes[n]
			if !f.match("name", v.Name) || !f.exact("driver", v.Driver) || !f.labelsMatch(v.Labels) {
				continue
			}
			if hasDangling && dangling == used[n] {
				continue
			}
			out.Items = append(out.Items, v.public(s, false))
		}
		return nil
	})
	return out, err
}

func (s *state) usedVolumes() map[string]bool {
	used := map[string]bool{}
	for _, c := range s.containers {
		for _, m := range c.Mounts {
			if m.Type == "volume" {
				used[m.Name] = true
			}
		}
	}
	return used
}

// VolumeRemove removes a volume no container uses (force only ignores a missing one).
func (e *Engine) VolumeRemove(ctx context.Context, name string, options client.VolumeRemoveOptions) (client.VolumeRemoveResult, error) {
	err := e.updateOp(ctx, OpVolumeRemove, faultTarget{ref: name, kind: 'v'}, func(t *txn) error {
		v, err := t.s.lookupVolume(name)
		if err != nil {
			if options.Force {
				return nil
			}
			return err
		}
		if users := t.s.volumeUsers(name); len(users) > 0 {
			return errConflict("remove %s: volume is in use - [%s]", name, strings.Join(users, ", "))
		}
		t.delVolume(v.Name)
		t.volumeEvent(events.ActionDestroy, v, nil)
		return nil
	})
	return client.VolumeRemoveResult{}, err
}

// VolumePrune removes unused anonymous volumes, or all unused ones with All (or the
// filter all=true), as API >= 1.42 does.
func (e *Engine) VolumePrune(ctx context.Context, options client.VolumePruneOptions) (client.VolumePruneResult, error) {
	out := client.VolumePruneResult{Report: volume.PruneReport{VolumesDeleted: []string{}}}
	f, err := newFilter(options.Filters, volumePruneFilters)
	if err != nil {
		return out, err
	}
	all, _, err := f.boolValue("all")
	if err != nil {
		return out, err
	}
	all = all || options.All
	err = e.update(ctx, func(t *txn) error {
		used := t.s.usedVolumes()
		names := make([]string, 0, len(t.s.volumes))
		for n := range t.s.volumes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := t.s.volumes[n]
			if used[n] || (!all && !v.Anonymous) || !f.labelsMatch(v.Labels) {
				continue
			}
			t.delVolume(n)
			out.Report.VolumesDeleted = append(out.Report.VolumesDeleted, n)
		}
		t.emit(events.VolumeEventType, events.ActionPrune, "", map[string]string{"reclaimed": strconv.FormatUint(out.Report.SpaceReclaimed, 10)})
		return nil
	})
	return out, err
}
