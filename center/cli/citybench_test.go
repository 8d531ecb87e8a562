package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"fengqiao/center/centertest"
)

// TestBenchCitySmoke generates a tiny city on the test PostgreSQL and runs every measurement of
// the bench briefly, so that the command keeps working; its figures are not checked, only that
// every row is there and no request failed. The ledger rebuild then finds the counts right.
func TestBenchCitySmoke(t *testing.T) {
	dsn := centertest.Postgres(t)
	out := mustRun(t, "", "bench", "--db", dsn, "--cases", "2000", "--sites", "30", "--rates", "200",
		"--duration", "1500ms", "--period", "500ms", "--concurrency", "2")
	for _, want := range []string{"generating 30 halls in 3 towns, 1 counties", "loaded 2000 cases", "10,000,000 cases need about",
		"push → applied p50, p99 at 200 events/s", "pulls at 200 events/s", "dashboard p95, city user",
		"dashboard p95, one-hall user", "case-list filters p95", "tracking page, alone, 2 connections", "peak RSS"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
	if n := len(regexp.MustCompile(` [1-9][0-9]* failed`).FindAllString(out, -1)); n > 0 {
		t.Errorf("%d measurements had failed requests:\n%s", n, out)
	}
	if strings.Count(out, " 0 failed") != 6 {
		t.Errorf("want 6 measurements without failures:\n%s", out)
	}
	if got := mustRun(t, "", "ledger", "rebuild", "--db", dsn); !strings.Contains(got, ": 0 counts corrected") {
		t.Errorf("after the bench's pushes the rebuild corrected counts: %s", got)
	}
}
