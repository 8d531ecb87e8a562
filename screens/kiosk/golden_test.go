package kiosk

import (
	"testing"
	"testing/cryptotest"

	"fyne.io/fyne/v2/test"

	"fengqiao/config"
	"fengqiao/screens/golden"
)

// goldenScenes are the kiosk screens kept as markup goldens: the scene of kioskScenes and the
// golden's name.
var goldenScenes = map[string]string{
	"home":                "home",
	"card-choose-service": "service",
	"identify":            "identify",
	"id-keypad":           "id-keypad",
	"confirm-open-case":   "confirm",
	"result":              "ticket",
	"case-timeline":       "case",
	"help-called":         "help",
	"booking-service":     "service-booking",
	"booking-result":      "ticket-booked",
}

// TestGolden checks the key kiosk screens against their markup goldens in testdata/golden
// (kiosk-<orientation>-<screen>[-elderly].xml): in landscape and portrait at 1080p, in the normal
// size and in 长者模式. The clock is fixed and the random source seeded, so that the case codes
// the hall hands out are the same on every run.
func TestGolden(t *testing.T) {
	cryptotest.SetGlobalRandom(t, 17)
	a := test.NewApp()
	defer test.NewApp()
	env := newShotEnv(t, config.Default().Info())
	shots, clock, err := kioskScenes(env)
	if err != nil {
		t.Fatal(err)
	}
	matched := 0
	// 长者模式 outermost: a new theme scale empties Fyne's font cache, so it changes only once.
	for _, elderly := range []bool{false, true} {
		for _, orient := range []string{"landscape", "portrait"} {
			size := Landscape
			if orient == "portrait" {
				size = Portrait
			}
			for _, s := range shots {
				name, ok := goldenScenes[s.name]
				if !ok {
					continue
				}
				file := "kiosk-" + orient + "-" + name
				if elderly {
					file += "-elderly"
				}
				_, w := renderScene(a, env, clock, s, size, variant{elderly: elderly})
				golden.Match(t, file, w.Canvas())
				w.Close()
				matched++
			}
		}
	}
	if want := len(goldenScenes) * 4; matched != want {
		t.Errorf("matched %d renders, want %d: a golden scene is missing from kioskScenes", matched, want)
	}
}
