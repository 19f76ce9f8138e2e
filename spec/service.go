package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// builder turns services of one project into Service values.
type builder struct {
	p        *types.Project
	w        *warner
	envFiles []string
	// secretValues are the contents of environment- or content-based secrets, masked in
	// Fields wherever they appear as a value.
	secretValues map[string]bool
}

func (b *builder) service(s types.ServiceConfig) (Service, error) {
	hash, err := ServiceHash(s)
	if err != nil {
		return Service{}, fmt.Errorf("services.%s: config hash: %w", s.Name, err)
	}
	fields, secret, err := flattenService(s, b.secretValues)
	if err != nil {
		return Service{}, fmt.Errorf("services.%s: %w", s.Name, err)
	}
	out := Service{
		Name:           s.Name,
		Image:          imageName(b.p.Name, s),
		Replicas:       s.GetScale(),
		HasHealthcheck: s.HealthCheck != nil && !s.HealthCheck.Disable && len(s.HealthCheck.Test) > 0 && s.HealthCheck.Test[0] != "NONE",
		ConfigHash:     hash,
		Fields:         fields,
		Secret:         secret,
	}
	for name, dep := range s.DependsOn {
		out.DependsOn = append(out.DependsOn, Dependency{
			Service: name, Condition: dep.Condition, Required: dep.Required, Restart: dep.Restart,
		})
	}
	sort.Slice(out.DependsOn, func(i, j int) bool { return out.DependsOn[i].Service < out.DependsOn[j].Service })
	if s.NetworkMode == "" {
		for key := range s.Networks {
			if n, ok := b.p.Networks[key]; ok {
				out.Networks = append(out.Networks, n.Name)
			}
		}
		sort.Strings(out.Networks)
	}
	seen := map[string]bool{}
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeVolume || v.Source == "" {
			continue
		}
		if vol, ok := b.p.Volumes[v.Source]; ok && !seen[vol.Name] {
			seen[vol.Name] = true
			out.Volumes = append(out.Volumes, vol.Name)
		}
	}
	sort.Strings(out.Volumes)

	b.warnUnsupported(s)
	fieldsJSON, err := marshalFields(fields)
	if err != nil {
		return Service{}, err
	}
	for n := 1; n <= out.Replicas; n++ {
		c, err := b.container(s, n, hash, fieldsJSON)
		if err != nil {
			return Service{}, fmt.Errorf("services.%s: %w", s.Name, err)
		}
		out.Containers = append(out.Containers, c)
	}
	return out, nil
}

// ContainerName is compose's container name for replica n of s in project.
func ContainerName(project string, s types.ServiceConfig, n int) string {
	if s.ContainerName != "" {
		return s.ContainerName
	}
	return project + "-" + s.Name + "-" + itoa(n)
}

// dependsOnLabel is compose's com.docker.compose.depends_on value: svc:condition:restart,
// comma-joined (sorted here; compose's order is a map's).
func dependsOnLabel(s types.ServiceConfig) string {
	deps := make([]string, 0, len(s.DependsOn))
	for name, d := range s.DependsOn {
		deps = append(deps, fmt.Sprintf("%s:%s:%t", name, d.Condition, d.Restart))
	}
	sort.Strings(deps)
	return strings.Join(deps, ",")
}

// serviceLabels returns every label of replica n: the user's labels with compose's over them.
func (b *builder) serviceLabels(s types.ServiceConfig, n int, hash, fieldsJSON string) map[string]string {
	ours := map[string]string{
		LabelProject:         b.p.Name,
		LabelService:         s.Name,
		LabelVersion:         ComposeVersion,
		LabelWorkingDir:      b.p.WorkingDir,
		LabelConfigFiles:     strings.Join(b.p.ComposeFiles, ","),
		LabelOneoff:          "False",
		LabelConfigHash:      hash,
		LabelContainerNumber: itoa(n),
		LabelDependsOn:       dependsOnLabel(s),
		LabelServiceConfig:   fieldsJSON,
	}
	if len(b.envFiles) > 0 {
		ours[LabelEnvironmentFile] = strings.Join(b.envFiles, ",")
	}
	for k, v := range s.CustomLabels {
		if _, set := ours[k]; !set {
			ours[k] = v
		}
	}
	return mergeLabels(s.Labels, ours)
}

// warnUnsupported names each key of s that the create request cannot carry.
func (b *builder) warnUnsupported(s types.ServiceConfig) {
	at := "services." + s.Name + "."
	warnIf := func(cond bool, key, why string) {
		if cond {
			b.w.add(at+key, why)
		}
	}
	warnIf(s.CredentialSpec != nil, "credential_spec", "Windows credential specs are not supported")
	warnIf(s.Develop != nil, "develop", "develop.watch is not run by the reconciler (it still counts in the config hash)")
	warnIf(len(s.PreStart) > 0, "pre_start", "lifecycle hooks are not run")
	warnIf(len(s.PostStart) > 0, "post_start", "lifecycle hooks are not run")
	warnIf(len(s.PreStop) > 0, "pre_stop", "lifecycle hooks are not run")
	warnIf(s.Provider != nil, "provider", "provider services are not supported")
	warnIf(len(s.Models) > 0, "models", "models are not supported")
	warnIf(s.UseAPISocket, "use_api_socket", "the engine API socket is not mounted")
	warnIf(s.Platform != "", "platform", "the platform is not passed to the engine")
	warnIf(s.CPUCount != 0 || s.CPUPercent != 0, "cpu_count", "Windows CPU count/percent are passed but not honoured by Linux engines")
	if d := s.Deploy; d != nil {
		warnIf(d.Mode != "" && d.Mode != "replicated", "deploy.mode", "only replicated mode is supported")
		warnIf(d.UpdateConfig != nil, "deploy.update_config", "swarm-only; ignored")
		warnIf(d.RollbackConfig != nil, "deploy.rollback_config", "swarm-only; ignored")
		warnIf(len(d.Placement.Constraints) > 0 || len(d.Placement.Preferences) > 0 || d.Placement.MaxReplicas != 0, "deploy.placement", "swarm-only; ignored")
		warnIf(d.EndpointMode != "", "deploy.endpoint_mode", "swarm-only; ignored")
		warnIf(len(d.Labels) > 0, "deploy.labels", "swarm service labels; not set on containers")
		if d.RestartPolicy != nil {
			warnIf(d.RestartPolicy.Delay != nil, "deploy.restart_policy.delay", "restart delay is not supported by the engine")
			warnIf(d.RestartPolicy.Window != nil, "deploy.restart_policy.window", "restart window is not supported by the engine")
		}
		if r := d.Resources.Reservations; r != nil {
			warnIf(r.NanoCPUs != 0, "deploy.resources.reservations.cpus", "CPU reservations are swarm-only; ignored")
			warnIf(len(r.GenericResources) > 0, "deploy.resources.reservations.generic_resources", "swarm-only; ignored")
		}
		if l := d.Resources.Limits; l != nil {
			warnIf(len(l.Devices) > 0, "deploy.resources.limits.devices", "device limits are not applied")
		}
	}
	for i, v := range s.Volumes {
		switch v.Type {
		case types.VolumeTypeBind, types.VolumeTypeVolume, types.VolumeTypeTmpfs, types.VolumeTypeImage:
		default:
			b.w.add(fmt.Sprintf("%svolumes[%d].type", at, i), fmt.Sprintf("mount type %q is not supported", v.Type))
		}
	}
	for i, sec := range s.Secrets {
		def := b.p.Secrets[sec.Source]
		if def.File == "" {
			b.w.add(fmt.Sprintf("%ssecrets[%d]", at, i), "only file-based secrets are mounted; "+sec.Source+" is not")
		}
		warnIf(sec.UID != "" || sec.GID != "" || sec.Mode != nil, fmt.Sprintf("secrets[%d]", i), "uid, gid and mode are not supported for file mounts")
	}
	for i, cfg := range s.Configs {
		def := b.p.Configs[cfg.Source]
		if def.File == "" {
			b.w.add(fmt.Sprintf("%sconfigs[%d]", at, i), "only file-based configs are mounted; "+cfg.Source+" is not")
		}
		warnIf(cfg.UID != "" || cfg.GID != "" || cfg.Mode != nil, fmt.Sprintf("configs[%d]", i), "uid, gid and mode are not supported for file mounts")
	}
}

func secretValues(p *types.Project) map[string]bool {
	out := map[string]bool{}
	for _, sec := range p.Secrets {
		if sec.Content != "" {
			out[sec.Content] = true
		}
		if sec.Environment != "" {
			if v, ok := p.Environment[sec.Environment]; ok && v != "" {
				out[v] = true
			}
		}
	}
	return out
}
