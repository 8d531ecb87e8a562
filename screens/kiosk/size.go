package kiosk

import (
	"fyne.io/fyne/v2"

	kt "fengqiao/screens/theme"
)

// The kiosk fits its screen: every size is a multiple of the body text size, and the body text
// size follows the screen (28 units on a 1080p screen, less on a smaller one). 长者模式 makes it
// ElderlyFactor larger; screens with long lists scroll them, the footer never moves.

// ElderlyFactor is how much larger 长者模式 makes the type.
const ElderlyFactor = 1.4

// screenScale is the theme scale for a screen of the given size: 2 on a 1080p screen in either
// orientation, smaller on a smaller screen, times ElderlyFactor in elderly mode.
func screenScale(size fyne.Size, elderly bool) float32 {
	short, long := min(size.Width, size.Height), max(size.Width, size.Height)
	s := float32(2)
	if short > 0 && long > 0 {
		s = 2 * min(short/1080, long/1920)
	}
	s = min(max(s, 1.2), 2.4)
	if elderly {
		s *= ElderlyFactor
	}
	return s
}

// screenLayout lays the current page over the whole window. It asks for no size of its own:
// the window never grows to fit the kiosk; the kiosk adapts to the window (see Kiosk.fit).
type screenLayout struct{ k *Kiosk }

func (l screenLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width >= 1 && size.Height >= 1 && size != l.k.size {
		l.k.size = size
		if o := l.k.build(); len(objs) == 2 {
			objs[1] = o
		}
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (screenLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(1, 1) }

// theme returns the kiosk's theme for its screen size and mode.
func (k *Kiosk) theme() *kt.Theme {
	return &kt.Theme{Scale: screenScale(k.size, k.flow.Elderly)}
}

// portrait reports whether the screen is taller than wide.
func (k *Kiosk) portrait() bool { return k.size.Height > k.size.Width }
