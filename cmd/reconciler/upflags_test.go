package main

import (
	"errors"
	"testing"

	"github.com/reconciler/reconciler/planner"
)

func TestUpPlannerOptions(t *testing.T) {
	cases := []struct {
		name string
		o    upOptions
		want planner.Options
		bad  bool
	}{
		{name: "default", want: planner.Options{}},
		{name: "force", o: upOptions{forceRecreate: true}, want: planner.Options{Recreate: planner.RecreateForce}},
		{name: "-V forces and renews", o: upOptions{renewAnon: true}, want: planner.Options{Recreate: planner.RecreateForce, RenewAnonymous: true}},
		{name: "always-recreate-deps", o: upOptions{recreateDeps: true}, want: planner.Options{AlwaysRecreateDeps: true}},
		{name: "force with no-recreate", o: upOptions{forceRecreate: true, noRecreate: true}, bad: true},
		{name: "-V with no-recreate", o: upOptions{renewAnon: true, noRecreate: true}, bad: true},
		{name: "always-recreate-deps with no-recreate", o: upOptions{recreateDeps: true, noRecreate: true}, bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.o.plannerOptions(nil)
			if tc.bad {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Recreate != tc.want.Recreate || got.RenewAnonymous != tc.want.RenewAnonymous || got.AlwaysRecreateDeps != tc.want.AlwaysRecreateDeps {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
