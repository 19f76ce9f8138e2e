package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

var (
	resourcesDesc = prometheus.NewDesc(Namespace+"_resources",
		"Resources of the project, desired (in the file) vs observed (on the engine); containers also counted running.",
		[]string{"project", "kind", "state"}, nil)
	serviceInfoDesc = prometheus.NewDesc(Namespace+"_service_info",
		"One series per service in the compose file, with its image; always 1.",
		[]string{"project", "service", "image"}, nil)
	serviceReplicasDesc = prometheus.NewDesc(Namespace+"_service_replicas",
		"Replicas of each service: desired, and ready (running, healthy where a health check reports, or a one-shot exited 0).",
		[]string{"project", "service", "state"}, nil)
	serviceReadyDesc = prometheus.NewDesc(Namespace+"_service_ready",
		"Whether every desired replica of the service is ready (1) or not (0).",
		[]string{"project", "service"}, nil)
)

// stateCollector emits per-service and per-kind metrics at scrape time from the
// latest desired/observed snapshot, so a service that leaves the file leaves
// the scrape with it (no stored gauges to delete).
type stateCollector struct {
	mu       sync.Mutex
	desired  *spec.Desired
	observed *planner.Observed
}

func newStateCollector() *stateCollector { return &stateCollector{} }

func (c *stateCollector) set(d *spec.Desired, o *planner.Observed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d != nil {
		c.desired = d
	}
	if o != nil {
		c.observed = o
	}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- resourcesDesc
	ch <- serviceInfoDesc
	ch <- serviceReplicasDesc
	ch <- serviceReadyDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	d, o := c.desired, c.observed
	c.mu.Unlock()
	if d == nil {
		return
	}
	if o == nil {
		o = &planner.Observed{Project: d.Project}
	}
	p := d.Project
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	}

	// Resources by kind.
	desiredCtrs, running := 0, 0
	for _, s := range d.Services {
		desiredCtrs += s.Replicas
	}
	observedServices := map[string]bool{}
	for _, ct := range o.Containers {
		if ct.State == "running" {
			running++
		}
		if s := ct.Labels[spec.LabelService]; s != "" {
			observedServices[s] = true
		}
	}
	gauge(resourcesDesc, float64(len(d.Services)), p, "service", "desired")
	gauge(resourcesDesc, float64(len(observedServices)), p, "service", "observed")
	gauge(resourcesDesc, float64(desiredCtrs), p, "container", "desired")
	gauge(resourcesDesc, float64(len(o.Containers)), p, "container", "observed")
	gauge(resourcesDesc, float64(running), p, "container", "running")
	gauge(resourcesDesc, float64(len(d.Networks)), p, "network", "desired")
	gauge(resourcesDesc, float64(len(o.Networks)), p, "network", "observed")
	gauge(resourcesDesc, float64(len(d.Volumes)), p, "volume", "desired")
	gauge(resourcesDesc, float64(len(o.Volumes)), p, "volume", "observed")
	gauge(resourcesDesc, float64(len(d.Images)), p, "image", "desired")
	gauge(resourcesDesc, float64(len(o.Images)), p, "image", "observed")

	// Per service.
	byName := map[string]planner.Container{}
	for _, ct := range o.Containers {
		byName[ct.Name] = ct
	}
	for _, s := range d.Services {
		gauge(serviceInfoDesc, 1, p, s.Name, s.Image)
		ready := 0
		for _, want := range s.Containers {
			ct, ok := byName[want.Name]
			if ok && containerReady(ct, want) {
				ready++
			}
		}
		gauge(serviceReplicasDesc, float64(s.Replicas), p, s.Name, "desired")
		gauge(serviceReplicasDesc, float64(ready), p, s.Name, "ready")
		r := 0.0
		if ready >= s.Replicas {
			r = 1
		}
		gauge(serviceReadyDesc, r, p, s.Name)
	}
}

// containerReady: running (and healthy when it reports health), or a one-shot
// (restart policy "no") that exited 0.
func containerReady(ct planner.Container, want spec.Container) bool {
	switch ct.State {
	case "running":
		return ct.Health == "" || ct.Health == "healthy"
	case "exited":
		oneShot := want.HostConfig == nil || want.HostConfig.RestartPolicy.Name == "" || want.HostConfig.RestartPolicy.Name == "no"
		return oneShot && ct.ExitCode == 0
	}
	return false
}
