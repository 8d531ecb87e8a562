package kiosk

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	kt "fengqiao/screens/theme"
	"fengqiao/store"
)

// settle lays the tree out again from the top, twice, as the GL driver does on the next frames:
// wrapping texts know their height only once they know their width.
func settle(o fyne.CanvasObject) {
	for range 2 {
		relayout(o)
	}
}

func relayout(o fyne.CanvasObject) {
	switch x := o.(type) {
	case *fyne.Container:
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
		for _, c := range x.Objects {
			relayout(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		r.Layout(x.Size())
		for _, c := range r.Objects() {
			relayout(c)
		}
	}
}

// drawn is one object of the window with its absolute place.
type drawn struct {
	o        fyne.CanvasObject
	pos      fyne.Position
	inScroll bool
	inTile   *tile
}

// objects lists the visible objects of the tree in paint order.
func objects(root fyne.CanvasObject) []drawn {
	var out []drawn
	var visit func(o fyne.CanvasObject, at fyne.Position, inScroll bool, in *tile)
	visit = func(o fyne.CanvasObject, at fyne.Position, inScroll bool, in *tile) {
		if o == nil || !o.Visible() {
			return
		}
		pos := at.Add(o.Position())
		if t, ok := o.(*tile); ok {
			in = t
		}
		out = append(out, drawn{o: o, pos: pos, inScroll: inScroll, inTile: in})
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c, pos, inScroll, in)
			}
		case *wrapText:
			// its lines are listed with it
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c, pos, inScroll, in)
			}
		case fyne.Widget:
			_, scroll := x.(*container.Scroll)
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c, pos, inScroll || scroll, in)
			}
		}
	}
	visit(root, fyne.Position{}, false, nil)
	return out
}

// sizes are the screens a kiosk is installed on.
var sizes = []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1080, Height: 1920}, {Width: 1366, Height: 768}, {Width: 1280, Height: 1024}}

// longInfo is the default hall with the longest realistic content.
func longInfo(info app.Info) app.Info {
	info.Name = "枫桥镇社会治理综合服务中心"
	info.WaitArea = "请到诸暨市枫桥镇枫源路168号综合服务中心一楼东侧大厅等候区就座等候叫号"
	services := append([]app.Service(nil), info.Services...)
	for i := range services {
		if services[i].Code == "mediation" {
			services[i].Categories = []string{"邻里纠纷", "婚姻家庭纠纷", "土地承包纠纷", "宅基地纠纷", "劳动报酬纠纷",
				"物业服务纠纷", "交通事故赔偿", "医疗纠纷", "山林权属纠纷", "其他"}
		}
	}
	info.Services = services
	return info
}

const tolerance = 0.5

// TestEveryScreenFits draws every screen in every mode, under every banner, on every screen size
// at the real window size, and fails when a screen needs more room than the window has, when
// anything is drawn smaller than it needs or outside the window, or when the footer is not on
// the screen.
func TestEveryScreenFits(t *testing.T) {
	if testing.Short() {
		t.Skip("draws some thousand screens")
	}
	a := test.NewApp()
	defer test.NewApp()
	env := newShotEnv(t, longInfo(config.Default().Info()))
	shots, clock, err := kioskScenes(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range sizes {
		for _, elderly := range []bool{false, true} {
			for _, banner := range []string{"", "help", "paper-out", "reader-unplugged"} {
				for _, s := range shots {
					v := variant{elderly: elderly, banner: banner}
					name := fmt.Sprintf("%s %vx%v elderly=%v banner=%q", s.name, size.Width, size.Height, elderly, banner)
					k, w := renderScene(a, env, clock, s, size, v)
					checkFits(t, name, k, size)
					w.Close()
				}
			}
		}
	}
}

func newShotEnv(t *testing.T, info app.Info) shotEnv {
	cfg := config.Default()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now()
	hall := store.NewHall(db, info, cfg.Rules(), func() time.Time { return now })
	return shotEnv{Hall: hall, Info: info, ElderlyAge: cfg.Queue.ElderlyAge, Location: cfg.Rules().Location,
		SetTime: func(x time.Time) { now = x }}
}

func checkFits(t *testing.T, name string, k *Kiosk, size fyne.Size) {
	t.Helper()
	page := k.root.Objects[1]
	if m := page.MinSize(); m.Width > size.Width+tolerance || m.Height > size.Height+tolerance {
		t.Errorf("%s: the screen needs %v×%v", name, m.Width, m.Height)
		return
	}
	footer := map[string]bool{}
	for _, d := range objects(page) {
		sz, m := d.o.Size(), d.o.MinSize()
		if sz.Width+tolerance < m.Width || sz.Height+tolerance < m.Height {
			t.Errorf("%s: %s drawn %v×%v, needs %v×%v", name, describe(d.o), sz.Width, sz.Height, m.Width, m.Height)
		}
		if !d.inScroll && (d.pos.X < -tolerance || d.pos.Y < -tolerance ||
			d.pos.X+sz.Width > size.Width+tolerance || d.pos.Y+sz.Height > size.Height+tolerance) {
			t.Errorf("%s: %s at %v size %v is outside the window", name, describe(d.o), d.pos, sz)
		}
		if tl, ok := d.o.(*tile); ok && !d.inScroll && (tl.Label == "长者模式" || tl.Label == "呼叫工作人员") && d.pos.Y+sz.Height <= size.Height+tolerance {
			footer[tl.Label] = true
		}
	}
	if k.flow.Step != StepBusy && (!footer["长者模式"] || !footer["呼叫工作人员"]) {
		t.Errorf("%s: the footer is not on the screen (%v)", name, footer)
	}
	if t.Failed() {
		t.FailNow()
	}
}

func describe(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *canvas.Text:
		return fmt.Sprintf("text %q", x.Text)
	case *tile:
		return fmt.Sprintf("button %q", x.Label)
	case *wrapText:
		return fmt.Sprintf("paragraph %q", x.Text)
	}
	return fmt.Sprintf("%T", o)
}

var quoted = regexp.MustCompile(`「([^」]+)」`)

// directions are words that place a button; a message naming a button must not use them, as the
// place differs between landscape and portrait.
var directions = []string{"右边", "左边", "下方", "上方", "下面", "上面", "右侧", "左侧"}

// TestMessagesNameRealButtons checks that every 「…」 a screen's text or spoken prompt names is a
// button on that screen, in both orientations, and that no such text places it by direction.
func TestMessagesNameRealButtons(t *testing.T) {
	a := test.NewApp()
	defer test.NewApp()
	env := newShotEnv(t, config.Default().Info())
	shots, clock, err := kioskScenes(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []fyne.Size{Landscape, Portrait} {
		for _, banner := range []string{"", "help", "paper-out", "reader-unplugged"} {
			for _, s := range shots {
				k, w := renderScene(a, env, clock, s, size, variant{banner: banner})
				name := fmt.Sprintf("%s %v banner=%q", s.name, size, banner)
				buttons := map[string]bool{}
				var texts []string
				for _, d := range objects(k.root) {
					switch x := d.o.(type) {
					case *canvas.Text:
						if d.inTile != nil {
							buttons[x.Text] = true
						} else {
							texts = append(texts, x.Text)
						}
					case *wrapText:
						texts = append(texts, x.Text)
					case *tile:
						buttons[x.Label] = true
					}
				}
				if said := k.opts.Speaker.(*recorder).said; len(said) > 0 {
					texts = append(texts, said[len(said)-1]) // the prompt of this screen
				}
				for _, tx := range texts {
					for _, m := range quoted.FindAllStringSubmatch(tx, -1) {
						if !buttons[m[1]] {
							t.Errorf("%s: %q names 「%s」, not a button on this screen", name, tx, m[1])
						}
					}
					for _, d := range directions {
						if strings.Contains(tx, "「") && strings.Contains(tx, d) {
							t.Errorf("%s: %q places a button by %q", name, tx, d)
						}
					}
				}
				w.Close()
			}
		}
	}
}

// TestTextContrast checks every text drawn on every screen against what it is drawn on: at
// least 4.5:1 (WCAG AA for body text).
func TestTextContrast(t *testing.T) {
	a := test.NewApp()
	defer test.NewApp()
	env := newShotEnv(t, config.Default().Info())
	shots, clock, err := kioskScenes(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, banner := range []string{"", "help", "paper-out", "reader-unplugged"} {
		for _, s := range shots {
			k, w := renderScene(a, env, clock, s, Landscape, variant{banner: banner})
			type fill struct {
				pos  fyne.Position
				size fyne.Size
				c    color.Color
			}
			var fills []fill
			for _, d := range objects(k.root) {
				switch x := d.o.(type) {
				case *canvas.Rectangle:
					if _, _, _, al := x.FillColor.RGBA(); al == 0xffff {
						fills = append(fills, fill{d.pos, x.Size(), x.FillColor})
					}
				case *canvas.Circle:
					if _, _, _, al := x.FillColor.RGBA(); al == 0xffff {
						fills = append(fills, fill{d.pos, x.Size(), x.FillColor})
					}
				case *canvas.Text:
					if strings.TrimSpace(x.Text) == "" {
						continue
					}
					cx, cy := d.pos.X+x.Size().Width/2, d.pos.Y+x.Size().Height/2
					var bg color.Color = kt.Ground
					for _, f := range fills {
						if cx >= f.pos.X && cx <= f.pos.X+f.size.Width && cy >= f.pos.Y && cy <= f.pos.Y+f.size.Height {
							bg = f.c
						}
					}
					if c := kt.Contrast(x.Color, bg); c < 4.5 {
						t.Errorf("%s banner=%q: %q contrast %.2f:1 (%v on %v)", s.name, banner, x.Text, c, x.Color, bg)
					}
				}
			}
			w.Close()
		}
	}
}
