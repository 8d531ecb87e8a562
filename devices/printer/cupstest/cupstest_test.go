package cupstest_test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"fengqiao/devices/printer/cupstest"
)

func TestRawQueuePrintsToFile(t *testing.T) {
	s := cupstest.Start(t)
	out := s.AddRawQueue(t, "raw")
	data := []byte{0x1B, 0x40, 'h', 'i', 0x0A, 0x1D, 0x56, 0x42, 0x00}
	cmd := exec.Command("lp", "-d", "raw", "-o", "raw", "--", "-")
	cmd.Stdin = bytes.NewReader(data)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lp: %v\n%s", err, b)
	}
	if got := cupstest.WaitFile(t, out, len(data)); string(got) != string(data) {
		log, _ := os.ReadFile(s.Dir + "/log/error_log")
		t.Fatalf("queue wrote % x, want % x\n%s", got, data, log)
	}
}
