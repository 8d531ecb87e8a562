package idcard_test

import (
	"testing"
	"time"

	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
)

// BenchmarkReadFound measures the protocol path from the reader answering find-card with a
// card to the decoded Identity (select → read → decode), against the simulator on a real
// pseudo-terminal, pacing its replies at 115200 baud. It reports the time the select and read
// replies need on the wire (wire-ms), the measured time (total-ms) and the difference, the
// host's own overhead (overhead-ms).
func BenchmarkReadFound(b *testing.B) {
	const baud = 115200
	sim := newSim(b, idcardsim.Options{Card: testCard(), Baud: baud})
	r := openReader(b, sim.Path(), idcard.Config{Baud: baud})
	ctx := b.Context()

	// Reply sizes on the wire: select OK and the text + photo reply.
	selectReply := len(idcard.EncodeResponse(idcard.StatusOK, make([]byte, 8)...))
	readReply := len(idcard.EncodeResponse(idcard.StatusOK, make([]byte, 4+idcard.TextSize+1024)...))
	wire := idcard.WireTime(selectReply+readReply, baud)

	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := r.FindCard(ctx); err != nil {
			b.Fatalf("FindCard: %v", err)
		}
		b.StartTimer()
		start := time.Now()
		id, err := r.ReadFound(ctx)
		total += time.Since(start)
		if err != nil {
			b.Fatalf("ReadFound: %v", err)
		}
		if id.Number == "" {
			b.Fatal("empty card")
		}
	}
	mean := total / time.Duration(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(wire), "wire-ms")
	b.ReportMetric(ms(mean), "total-ms")
	b.ReportMetric(ms(mean-wire), "overhead-ms")
}

// BenchmarkDecodeText measures decoding a text block alone.
func BenchmarkDecodeText(b *testing.B) {
	text, err := idcard.EncodeText(idcardsim.TestIdentity())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := idcard.DecodeText(text); err != nil {
			b.Fatal(err)
		}
	}
}
