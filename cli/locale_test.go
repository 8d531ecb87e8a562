package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoLocaleErrorUnderCLocale starts this test binary (which holds Fyne and every GUI command)
// under C locales and checks Fyne complains about none: the error would come while the program
// initialises, before any test runs.
func TestNoLocaleErrorUnderCLocale(t *testing.T) {
	if os.Getenv("FENGQIAO_LOCALE_CHILD") != "" {
		return
	}
	for _, lang := range []string{"C", "C.UTF-8", "POSIX", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoLocaleErrorUnderCLocale$")
		cmd.Env = append(os.Environ(), "FENGQIAO_LOCALE_CHILD=1", "LANG="+lang, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("LANG=%q: %v\n%s", lang, err, out)
		}
		if strings.Contains(string(out), "Error parsing user locale") {
			t.Errorf("LANG=%q: %s", lang, out)
		}
	}
}
