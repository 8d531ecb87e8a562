package cli_test

import (
	"strings"
	"testing"

	"fengqiao/center/centertest"
)

// TestBenchCaseList loads a few cases and runs every query of the case list once, on both
// backends: the command reports each query and fails on any query's error.
func TestBenchCaseList(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			out := mustRun(t, "", "bench-caselist", "--db", be.DSN(t), "--load", "300", "--rounds", "2")
			for _, want := range []string{"loaded 300 cases", "300 cases, 2 rounds per query", "party by ID number", "all queries"} {
				if !strings.Contains(out, want) {
					t.Errorf("bench-caselist output lacks %q:\n%s", want, out)
				}
			}
			if strings.Count(out, "p95") != 17 {
				t.Errorf("bench-caselist reports %d queries, want 17:\n%s", strings.Count(out, "p95"), out)
			}
		})
	}
}
