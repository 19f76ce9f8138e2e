package shell_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/reconciler/reconciler/emulator/shell"
)

func ExampleRun() {
	fsys := shell.NewMemFS("/data")
	res, err := shell.Run(shell.Context{Env: []string{"NAME=world"}, FS: fsys},
		[]string{"sh", "-c", `echo "hello $NAME"; sleep 2; echo saved > /data/f; cat /data/f >&2; exit 3`})
	fmt.Println(err, res.ExitCode, res.Duration)
	for _, l := range res.Lines() {
		fmt.Println(l.Offset, l.Stream, l.Text)
	}
	// Output:
	// <nil> 3 2s
	// 0s 1 hello world
	// 2s 2 saved
}

func ExampleRun_server() {
	res, _ := shell.Run(shell.Context{}, []string{"docker-entrypoint.sh", "redis-server"})
	start := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	lines := res.Lines()
	fmt.Println(res.RunsForever, res.Server.Name, res.Server.Ports, res.Server.ReadyAfter)
	fmt.Println(lines[len(lines)-1].Render(start))
	// Output:
	// true redis-server [6379] 70ms
	// 1:M 28 Nov 2026 12:00:00.070 * Ready to accept connections tcp
}

func ExampleRun_notFound() {
	_, err := shell.Run(shell.Context{}, []string{"nosuch"})
	var nf *shell.NotFoundError
	fmt.Println(errors.As(err, &nf), errors.Is(err, shell.ErrNotFound))
	fmt.Println(err)
	// Output:
	// true true
	// failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown
}
