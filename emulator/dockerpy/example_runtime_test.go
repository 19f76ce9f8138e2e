package dockerpy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Executing a command in a running container (seed: container.exec_run).
func ExampleContainer_ExecRun() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	container, _, err := cli.Containers.Run(ctx, "ubuntu:latest", dockerpy.RunOptions{
		Name: "my_container", Command: []string{"sleep", "3600"}, Detach: true, Init: true, // stop: no 10s timeout
		Environment: map[string]string{"APP_ENV": "production"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := container.ExecRun(ctx, []string{"sh", "-c", "mkdir -p /app && touch /app/main.py /app/README && ls /app"}, dockerpy.ExecOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("exit %d:\n%s", res.ExitCode, res.Output)

	res, _ = container.ExecRun(ctx, []string{"sh", "-c", "echo $APP_ENV in $(pwd) as $(whoami)"}, dockerpy.ExecOptions{Workdir: "/app"})
	fmt.Printf("exit %d: %s", res.ExitCode, res.Output)

	res, _ = container.ExecRun(ctx, []string{"sh", "-c", "cat /missing"}, dockerpy.ExecOptions{})
	fmt.Printf("exit %d: %s", res.ExitCode, res.Output)

	// exec in a stopped container is dockerd's 409.
	_ = container.Stop(ctx, nil)
	_, err = container.ExecRun(ctx, []string{"true"}, dockerpy.ExecOptions{})
	var apiErr *dockerpy.APIError
	fmt.Println("stopped:", errors.As(err, &apiErr) && apiErr.StatusCode == 409)
	// Output:
	// exit 0:
	// README
	// main.py
	// exit 0: production in /app as root
	// exit 1: cat: can't open '/missing': No such file or directory
	// stopped: true
}

// Reading a container's logs (seed: container.logs()).
func ExampleContainer_Logs() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	container, _, err := cli.Containers.Run(ctx, "busybox", dockerpy.RunOptions{
		Command: []string{"sh", "-c", "echo starting; echo warning: no config >&2; echo ready"}, Detach: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	all, _ := container.Logs(ctx, dockerpy.LogsOptions{})
	fmt.Print(string(all))
	errs, _ := container.Logs(ctx, dockerpy.LogsOptions{Stderr: true})
	fmt.Print("stderr only: ", string(errs))
	last, _ := container.Logs(ctx, dockerpy.LogsOptions{Tail: "1", Timestamps: true})
	fmt.Print("tail 1: ", string(last))
	// Output:
	// starting
	// warning: no config
	// ready
	// stderr only: warning: no config
	// tail 1: 2026-11-28T12:00:00.000000000Z ready
}

// Resource usage of a container (seed: container.stats()).
func ExampleContainer_Stats() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	container, _, err := cli.Containers.Run(ctx, "nginx:latest", dockerpy.RunOptions{Name: "web", Detach: true, MemLimit: "64m"})
	if err != nil {
		fmt.Println(err)
		return
	}
	stats, err := container.Stats(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	cpu := stats["cpu_stats"].(map[string]any)
	mem := stats["memory_stats"].(map[string]any)
	fmt.Println("name:", stats["name"])
	fmt.Println("online cpus:", cpu["online_cpus"])
	fmt.Println("memory limit:", mem["limit"])
	fmt.Println("under the limit:", mem["usage"].(float64) < mem["limit"].(float64))
	_, hasNet := stats["networks"].(map[string]any)["eth0"]
	fmt.Println("eth0:", hasNet)
	// Output:
	// name: /web
	// online cpus: 2
	// memory limit: 6.7108864e+07
	// under the limit: true
	// eth0: true
}

// Building an image from a Dockerfile and printing the build logs (seed:
// client.images.build(path='.', tag='myapp:latest', dockerfile='Dockerfile')).
func ExampleImageCollection_Build() {
	eng := exampleEngine()
	defer eng.Close()
	cli := dockerpy.New(eng)
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "dockerpy-build")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"Dockerfile": "FROM alpine:3.20\nWORKDIR /app\nCOPY app.sh .\nCMD [\"sh\", \"app.sh\"]\n",
		"app.sh":     "echo hello from myapp\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			fmt.Println(err)
			return
		}
	}
	image, logs, err := cli.Images.Build(ctx, dockerpy.BuildOptions{Path: dir, Tag: "myapp:latest", Dockerfile: "Dockerfile"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Print build logs (ids vary from run to run: masked).
	for _, log := range logs {
		if log.Stream != "" {
			fmt.Print(idLine.ReplaceAllString(log.Stream, "$1<id>"))
		}
	}
	fmt.Println("tags:", image.Tags())

	// The image runs its CMD against the files COPY put there.
	_, out, err := cli.Containers.Run(ctx, "myapp:latest", dockerpy.RunOptions{})
	fmt.Printf("run: %s%v\n", out, err)
	// Output:
	// Step 1/4 : FROM alpine:3.20
	//  ---> <id>
	// Step 2/4 : WORKDIR /app
	//  ---> Running in <id>
	//  ---> <id>
	// Step 3/4 : COPY app.sh .
	//  ---> <id>
	// Step 4/4 : CMD ["sh", "app.sh"]
	//  ---> Running in <id>
	//  ---> <id>
	// Successfully built <id>
	// Successfully tagged myapp:latest
	// tags: [myapp:latest]
	// run: hello from myapp
	// <nil>
}

// idLine matches the intermediate image ids of a build stream.
var idLine = regexp.MustCompile(`( ---> |Running in |Successfully built )[0-9a-f]{12}`)
