package process

import (
	"time"

	"github.com/reconciler/reconciler/emulator/shell"
)

// Restart policy names, as in HostConfig.RestartPolicy.Name.
const (
	RestartNo            = "no"
	RestartAlways        = "always"
	RestartUnlessStopped = "unless-stopped"
	RestartOnFailure     = "on-failure"
)

// RestartPolicy is HostConfig.RestartPolicy ("" means "no").
type RestartPolicy struct {
	Name       string
	MaxRetries int // on-failure only; 0 means no limit
}

// Healthcheck is a container's health check with the outcome of one probe
// computed in advance (see ProbeOutcomes): a probe's result depends only on
// whether the container's server is ready at the probe time.
type Healthcheck struct {
	// Test is the Docker form (["CMD", ...], ["CMD-SHELL", "..."]); informative.
	Test []string
	// Zero values mean Docker's defaults: Interval 30s, Timeout 30s,
	// StartPeriod 0, StartInterval 5s, Retries 3.
	Interval, Timeout, StartPeriod, StartInterval time.Duration
	Retries                                       int
	// NotReady and Ready are the outcomes of one probe before and after the
	// server (Spec.Command.Server) is ready. Without a server only NotReady is used.
	NotReady, Ready Probe
}

// Probe is the outcome of one health probe.
type Probe struct {
	ExitCode int // 0 healthy, anything else a failure (-1: could not run / timed out)
	Output   string
	Duration time.Duration // simulated run time; RunsForever probes set Forever
	Forever  bool
}

// Spec is everything that decides how a container's process behaves over time.
// It is a value: build it once per container configuration and reuse it.
type Spec struct {
	// Command is what PID 1 does, from shell.Run of Entrypoint+Cmd.
	Command shell.Result
	// Init is HostConfig.Init: an init process forwards signals to the command.
	Init bool
	// StopSignal is Config.StopSignal ("" means SIGTERM); names or numbers.
	StopSignal string
	Restart    RestartPolicy
	// Health is nil without a health check (none configured, or Test NONE).
	Health *Healthcheck
}

// ActionKind is what the engine did to a container.
type ActionKind int

// Actions the engine records, in the order it did them.
const (
	Start         ActionKind = iota + 1 // ContainerStart
	Stop                                // ContainerStop with Timeout
	Restart                             // ContainerRestart with Timeout: stop, then start once exited
	Kill                                // ContainerKill with Signal ("" = SIGKILL)
	Pause                               // ContainerPause
	Unpause                             // ContainerUnpause
	Crash                               // fault injection: the process dies with ExitCode
	DaemonRestart                       // the daemon restarted: running containers die, policies decide
)

var actionNames = map[ActionKind]string{Start: "start", Stop: "stop", Restart: "restart", Kill: "kill",
	Pause: "pause", Unpause: "unpause", Crash: "crash", DaemonRestart: "daemon-restart"}

func (k ActionKind) String() string { return actionNames[k] }

// Action is one recorded engine operation.
type Action struct {
	Kind ActionKind
	At   time.Time
	// Timeout is the stop timeout for Stop and Restart; negative waits forever.
	Timeout time.Duration
	// Signal is Kill's signal (name or number, "" = SIGKILL); the engine checks
	// it with ParseSignal first (an invalid one is treated as SIGKILL).
	Signal string
	// ExitCode is Crash's exit code.
	ExitCode int
}

// Container states, as State.Status shows them.
const (
	StateCreated    = "created"
	StateRunning    = "running"
	StatePaused     = "paused"
	StateRestarting = "restarting"
	StateExited     = "exited"
)

// Health statuses.
const (
	Starting  = "starting"
	Healthy   = "healthy"
	Unhealthy = "unhealthy"
)

// MaxHealthLog is how many probe results Health.Log keeps (dockerd keeps 5).
const MaxHealthLog = 5

// HealthResult is one probe run.
type HealthResult struct {
	Start, End time.Time
	ExitCode   int
	Output     string
}

// Health is State.Health.
type Health struct {
	Status        string
	FailingStreak int
	Log           []HealthResult // oldest first, at most MaxHealthLog
}

// Run is one execution of the command (a start or an automatic restart).
type Run struct {
	Start    time.Time
	End      time.Time // zero while running
	ExitCode int       // valid when End is set
	// Pauses are the intervals the run was paused, oldest first, not
	// overlapping; the last one's To is zero while it is paused. The command
	// does nothing while paused, but its timers keep running (see WallTime);
	// health probes and CPU time stand still (see ActiveWall, Active).
	Pauses []PauseSpan `json:",omitempty"`
	// Kept reports that Lines (and Wakes) hold what this run printed and the
	// offsets it woke at. Without it they are the command's passed to Logs:
	// the engine keeps a run's lines once a later start re-runs the command.
	Kept  bool            `json:",omitempty"`
	Lines []shell.Line    `json:",omitempty"`
	Wakes []time.Duration `json:",omitempty"`
}

// PauseSpan is one paused interval of a run; To is zero while still paused.
type PauseSpan struct{ From, To time.Time }

// TransitionKind names what happened; each maps to a dockerd event.
type TransitionKind int

// Transitions, named after the container events dockerd emits for them.
const (
	TStart        TransitionKind = iota + 1 // "start" (explicit start or automatic restart)
	TDie                                    // "die" with ExitCode
	TKill                                   // "kill" with Signal (the stop signal, then 9 after the timeout)
	TStop                                   // "stop" (after the die of a stop)
	TRestart                                // "restart" (after the start of a Restart action)
	TPause                                  // "pause"
	TUnpause                                // "unpause"
	THealthStatus                           // "health_status: <Health>"
)

var transitionNames = map[TransitionKind]string{TStart: "start", TDie: "die", TKill: "kill", TStop: "stop",
	TRestart: "restart", TPause: "pause", TUnpause: "unpause", THealthStatus: "health_status"}

func (k TransitionKind) String() string { return transitionNames[k] }

// Transition is a state change stamped with the time it happened.
type Transition struct {
	At       time.Time
	Kind     TransitionKind
	ExitCode int    // TDie
	Signal   int    // TKill
	Health   string // THealthStatus: healthy / unhealthy
}

// Event returns dockerd's event action, e.g. "die", "health_status: healthy".
func (t Transition) Event() string {
	if t.Kind == THealthStatus {
		return "health_status: " + t.Health
	}
	return t.Kind.String()
}

// Status is a container's process state at a given time.
type Status struct {
	State                       string // created, running, paused, restarting, exited
	Running, Paused, Restarting bool
	ExitCode                    int
	StartedAt, FinishedAt       time.Time
	RestartCount                int
	// ManuallyStopped is dockerd's HasBeenManuallyStopped (stop or kill).
	ManuallyStopped bool
	// ReadyAt is when the current run's server is (or was) ready; zero without server.
	ReadyAt time.Time
	Health  *Health // nil without a health check
	Runs    []Run
	// Next is when the state will next change by itself (an exit, a stop
	// timeout, a restart, a health probe), zero if never without an action: the
	// engine can wait on its clock until then (ContainerWait, event streams).
	Next time.Time
	// Transitions are all state changes up to now, in order. They are
	// prefix-stable: when the history only grows by actions at or after the
	// previous evaluation time, the previous Transitions are a prefix of the new
	// ones, so the engine can remember how many it has emitted.
	Transitions []Transition
}
