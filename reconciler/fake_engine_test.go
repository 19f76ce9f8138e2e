package reconciler

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

// fakeEngine is a small in-memory Engine for unit tests: lists return what the
// test put in, write calls are logged (and may be failed or gated), and
// ContainerInspect returns states the test scripts.
type fakeEngine struct {
	mu sync.Mutex

	containers []container.Summary
	networks   []network.Summary
	volumes    []volume.Volume
	images     []image.Summary

	// inspect maps a container name to the sequence of states returned by
	// successive ContainerInspect calls (the last one repeats).
	inspect map[string][]container.State
	// fail maps "method target" to the error that call returns.
	fail map[string]error
	// pullStream is the JSON message stream ImagePull returns, per ref.
	pullStream map[string]string
	pulls      []*fakePull

	calls    []string
	inFlight map[string]int // by method
	maxIn    map[string]int
	maxAll   int
	nowAll   int
	// gate, when set, blocks every write call until it is closed; entered
	// receives each write call's description as it starts.
	gate    chan struct{}
	entered chan string

	listCalls []string
	events    chan events.Message
	// configs holds each ContainerCreate's Config, by container name.
	configs map[string]*container.Config
}

func newFake() *fakeEngine {
	return &fakeEngine{inspect: map[string][]container.State{}, fail: map[string]error{},
		pullStream: map[string]string{}, inFlight: map[string]int{}, maxIn: map[string]int{}}
}

var _ Engine = (*fakeEngine)(nil)

func (f *fakeEngine) write(ctx context.Context, method, target string) error {
	call := method + " " + target
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.inFlight[method]++
	f.nowAll++
	if f.inFlight[method] > f.maxIn[method] {
		f.maxIn[method] = f.inFlight[method]
	}
	if f.nowAll > f.maxAll {
		f.maxAll = f.nowAll
	}
	gate, entered := f.gate, f.entered
	err := f.fail[call]
	f.mu.Unlock()
	if entered != nil {
		entered <- call
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	f.mu.Lock()
	f.inFlight[method]--
	f.nowAll--
	f.mu.Unlock()
	return err
}

func (f *fakeEngine) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// --- Observer ---

func labelMatch(filters client.Filters, labels map[string]string) bool {
	for kv := range filters["label"] {
		k, v, _ := strings.Cut(kv, "=")
		if labels[k] != v {
			return false
		}
	}
	return true
}

// nameMatch mimics dockerd: the name filter matches substrings.
func nameMatch(filters client.Filters, name string) bool {
	if len(filters["name"]) == 0 {
		return true
	}
	for n := range filters["name"] {
		if strings.Contains(name, n) {
			return true
		}
	}
	return false
}

func (f *fakeEngine) ContainerList(_ context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, "ContainerList")
	var r client.ContainerListResult
	for _, c := range f.containers {
		if labelMatch(o.Filters, c.Labels) {
			r.Items = append(r.Items, c)
		}
	}
	return r, f.fail["ContainerList "]
}

func (f *fakeEngine) ContainerInspect(_ context.Context, name string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "ContainerInspect "+name)
	seq, ok := f.inspect[name]
	if !ok {
		return client.ContainerInspectResult{}, cerrdefs.ErrNotFound.WithMessage("No such container: " + name)
	}
	st := seq[0]
	if len(seq) > 1 {
		f.inspect[name] = seq[1:]
	}
	return client.ContainerInspectResult{Container: container.InspectResponse{Name: "/" + name, State: &st}}, nil
}

func (f *fakeEngine) NetworkList(_ context.Context, o client.NetworkListOptions) (client.NetworkListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, "NetworkList")
	var r client.NetworkListResult
	for _, n := range f.networks {
		if labelMatch(o.Filters, n.Labels) && nameMatch(o.Filters, n.Name) {
			r.Items = append(r.Items, n)
		}
	}
	return r, nil
}

func (f *fakeEngine) VolumeList(_ context.Context, o client.VolumeListOptions) (client.VolumeListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, "VolumeList")
	var r client.VolumeListResult
	for _, v := range f.volumes {
		if labelMatch(o.Filters, v.Labels) && nameMatch(o.Filters, v.Name) {
			r.Items = append(r.Items, v)
		}
	}
	return r, nil
}

func (f *fakeEngine) ImageList(context.Context, client.ImageListOptions) (client.ImageListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, "ImageList")
	return client.ImageListResult{Items: f.images}, nil
}

// ImageInspect knows the images pulled or built through the fake: their id is
// fakeImageID(ref).
func (f *fakeEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == "ImagePull "+ref || c == "ImageBuild "+ref {
			var res client.ImageInspectResult
			res.ID = fakeImageID(ref)
			return res, nil
		}
	}
	return client.ImageInspectResult{}, cerrdefs.ErrNotFound
}

func fakeImageID(ref string) string { return "sha256:fake-" + ref }

func (f *fakeEngine) Events(ctx context.Context, _ client.EventsListOptions) client.EventsResult {
	msgs := make(chan events.Message)
	errs := make(chan error, 1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			case m := <-f.events:
				select {
				case msgs <- m:
				case <-ctx.Done():
				}
			}
		}
	}()
	return client.EventsResult{Messages: msgs, Err: errs}
}

// --- Executor ---

func (f *fakeEngine) NetworkCreate(ctx context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	if err := f.write(ctx, "NetworkCreate", name); err != nil {
		return client.NetworkCreateResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks = append(f.networks, network.Summary{Network: network.Network{ID: "net-" + name, Name: name, Labels: o.Labels}})
	return client.NetworkCreateResult{ID: "net-" + name}, nil
}

// dropNetworks removes every network, as if removed behind the tool's back.
func (f *fakeEngine) dropNetworks() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks = nil
}
func (f *fakeEngine) NetworkRemove(ctx context.Context, n string, _ client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	return client.NetworkRemoveResult{}, f.write(ctx, "NetworkRemove", n)
}
func (f *fakeEngine) NetworkConnect(ctx context.Context, n string, o client.NetworkConnectOptions) (client.NetworkConnectResult, error) {
	return client.NetworkConnectResult{}, f.write(ctx, "NetworkConnect", n+"/"+o.Container)
}
func (f *fakeEngine) NetworkDisconnect(ctx context.Context, n string, o client.NetworkDisconnectOptions) (client.NetworkDisconnectResult, error) {
	return client.NetworkDisconnectResult{}, f.write(ctx, "NetworkDisconnect", n+"/"+o.Container)
}
func (f *fakeEngine) VolumeCreate(ctx context.Context, o client.VolumeCreateOptions) (client.VolumeCreateResult, error) {
	return client.VolumeCreateResult{}, f.write(ctx, "VolumeCreate", o.Name)
}
func (f *fakeEngine) VolumeRemove(ctx context.Context, v string, _ client.VolumeRemoveOptions) (client.VolumeRemoveResult, error) {
	return client.VolumeRemoveResult{}, f.write(ctx, "VolumeRemove", v)
}
func (f *fakeEngine) ImagePull(ctx context.Context, ref string, _ client.ImagePullOptions) (client.ImagePullResponse, error) {
	if err := f.write(ctx, "ImagePull", ref); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := &fakePull{r: strings.NewReader(f.pullStream[ref])}
	f.pulls = append(f.pulls, p)
	return p, nil
}
func (f *fakeEngine) ImageRemove(ctx context.Context, ref string, _ client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	return client.ImageRemoveResult{}, f.write(ctx, "ImageRemove", ref)
}
func (f *fakeEngine) ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	f.mu.Lock()
	if f.configs == nil {
		f.configs = map[string]*container.Config{}
	}
	f.configs[o.Name] = o.Config
	f.mu.Unlock()
	return client.ContainerCreateResult{ID: "id-" + o.Name}, f.write(ctx, "ContainerCreate", o.Name)
}
func (f *fakeEngine) ContainerStart(ctx context.Context, c string, _ client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, f.write(ctx, "ContainerStart", c)
}
func (f *fakeEngine) ContainerStop(ctx context.Context, c string, _ client.ContainerStopOptions) (client.ContainerStopResult, error) {
	return client.ContainerStopResult{}, f.write(ctx, "ContainerStop", c)
}
func (f *fakeEngine) ContainerRemove(ctx context.Context, c string, _ client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	return client.ContainerRemoveResult{}, f.write(ctx, "ContainerRemove", c)
}
func (f *fakeEngine) ContainerRename(ctx context.Context, c string, o client.ContainerRenameOptions) (client.ContainerRenameResult, error) {
	return client.ContainerRenameResult{}, f.write(ctx, "ContainerRename", c+"->"+o.NewName)
}

// fakePull is an ImagePullResponse over a JSON-lines stream that records Close.
type fakePull struct {
	r      io.Reader
	mu     sync.Mutex
	closed bool
}

func (p *fakePull) Read(b []byte) (int, error) { return p.r.Read(b) }
func (p *fakePull) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}
func (p *fakePull) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}
func (p *fakePull) JSONMessages(ctx context.Context) iter.Seq2[jsonstream.Message, error] {
	return func(yield func(jsonstream.Message, error) bool) {
		dec := json.NewDecoder(p)
		for {
			var m jsonstream.Message
			if err := dec.Decode(&m); err != nil {
				if err != io.EOF {
					yield(m, err)
				}
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}
func (p *fakePull) Wait(ctx context.Context) error {
	_, err := io.Copy(io.Discard, p)
	return err
}
