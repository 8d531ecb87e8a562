package center_test

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// BenchmarkLedgerXLSX writes a 台账 of 50,000 and of 200,000 cases, as the export streams them,
// and reports the heap in use at the end: the cases are not held, so it does not grow with them.
func BenchmarkLedgerXLSX(b *testing.B) {
	for _, cases := range []int{50_000, 200_000} {
		b.Run(fmt.Sprint(cases), func(b *testing.B) { benchLedgerXLSX(b, cases) })
	}
}

func benchLedgerXLSX(b *testing.B, cases int) {
	cat := center.Catalogue{Sites: map[int64]string{1: "枫源村"}, Services: app.DefaultServices(), Location: time.UTC}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	closed := now.AddDate(0, 0, -1)
	for range b.N {
		x, err := center.NewLedgerXLSX(cat, now, center.MaxSheetRows)
		if err != nil {
			b.Fatal(err)
		}
		for i := range cases {
			r := center.LedgerRow{Code: fmt.Sprint(i), Site: 1, Service: "mediation", Category: "邻里纠纷", Status: app.CaseClosed,
				Result: app.ResultResolved, OpenedAt: now.Add(-time.Duration(i) * time.Minute), ClosedAt: &closed,
				MaskedName: "张*丰", Summary: "宅基地边界争议，双方各执一词", Unit: "村调委会", Handling: app.HandlingMediation}
			if err := x.Add(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := x.Finish(io.Discard); err != nil {
			b.Fatal(err)
		}
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "MiB-heap-at-end")
		x.Close()
	}
}
