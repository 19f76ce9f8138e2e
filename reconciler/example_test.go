package reconciler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// One pass by hand: load, observe, plan, execute, on the embedded emulator.
func ExampleExecute() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "compose.yaml")
	_ = os.WriteFile(file, []byte("name: example\nservices:\n  web:\n    image: nginx:1.27-alpine\n"), 0o644)

	ctx := context.Background()
	eng, _ := emulator.Open(":memory:")
	defer eng.Close()

	desired, err := spec.Load(ctx, spec.Options{Files: []string{file}, Environ: []string{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	observed, _ := reconciler.Observe(ctx, eng, desired)
	plan, _ := planner.Up(desired, observed, planner.Options{})
	res, err := reconciler.Execute(ctx, eng, plan, reconciler.ExecOptions{
		Parallel: 1, // deterministic event order for the example
		OnEvent: func(e reconciler.Event) {
			if e.Status == reconciler.EventDone {
				fmt.Println(e.Verb(), e.Action.Resource)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	s := res.Summary
	fmt.Printf("%d added, %d changed, %d destroyed\n", s.Added, s.Changed, s.Destroyed)
	// Output:
	// Pulled nginx:1.27-alpine
	// Created example_default
	// Created example-web-1
	// Started example-web-1
	// 3 added, 0 changed, 0 destroyed
}
