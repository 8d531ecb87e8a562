package cli

import (
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/screens/theme"
)

// windowChoice is where a PC's user remembers the hall window their console and rating pad
// serve, chosen on the first start: <user config dir>/fengqiao/window (~/.config/fengqiao/window
// on Linux, %AppData%\fengqiao\window on Windows).
type windowChoice struct{ path string }

// userWindowChoice is the current user's windowChoice.
func userWindowChoice() (windowChoice, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return windowChoice{}, fmt.Errorf("remember the window: %w", err)
	}
	return windowChoice{path: filepath.Join(dir, "fengqiao", "window")}, nil
}

// Load returns the remembered window, or 0 when none is remembered or it is no window of info.
func (c windowChoice) Load(info app.Info) int {
	b, err := os.ReadFile(c.path)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	for _, w := range info.Windows {
		if w.ID == n {
			return n
		}
	}
	return 0
}

// Save remembers the window n.
func (c windowChoice) Save(n int) error {
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("remember the window: %w", err)
	}
	if err := os.WriteFile(c.path, []byte(strconv.Itoa(n)+"\n"), 0o644); err != nil {
		return fmt.Errorf("remember the window: %w", err)
	}
	return nil
}

// Forget drops the remembered window, so that the next start asks again.
func (c windowChoice) Forget() error {
	if err := os.Remove(c.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget the window: %w", err)
	}
	return nil
}

// windowPicker asks which hall window this PC serves: one big button per window of the hall, no
// typing. chosen runs on the UI thread with the window's number.
func windowPicker(info app.Info, chosen func(n int)) fyne.CanvasObject {
	title := canvas.NewText("请选择本机所在的窗口", theme.Navy)
	title.TextSize, title.TextStyle = 36, fyne.TextStyle{Bold: true}
	note := canvas.NewText("只需选择一次，本机会记住（重新选择：菜单中「窗口工作台（重新选择窗口）」）", theme.Muted)
	note.TextSize = 20
	// Up to four buttons a row, so that a hall of twelve windows fits a 1366×768 screen; more
	// scroll.
	buttons := container.NewGridWithColumns(max(1, min(4, len(info.Windows))))
	for _, w := range info.Windows {
		name := w.Name
		if name == "" {
			name = fmt.Sprintf("%d号窗口", w.ID)
		}
		b := widget.NewButton("", func() { chosen(w.ID) })
		b.Importance = widget.HighImportance
		label := canvas.NewText(name, theme.OnPrimary)
		label.TextSize, label.TextStyle = 36, fyne.TextStyle{Bold: true}
		size := canvas.NewRectangle(color.Transparent)
		size.SetMinSize(fyne.NewSize(300, 140))
		buttons.Add(container.NewStack(size, b, container.NewCenter(label)))
	}
	head := container.NewVBox(container.NewCenter(title), container.NewCenter(note))
	return container.NewStack(canvas.NewRectangle(theme.Ground), container.NewBorder(head, nil, nil, nil,
		container.NewVScroll(container.NewCenter(container.NewPadded(buttons)))))
}

// withWindow runs start with the hall window this PC serves: n when given on the command line,
// else the remembered one, else the one the user picks (then remembered). choose forgets the
// remembered window first.
func withWindow(w fyne.Window, info app.Info, n int, choose bool, start func(n int)) {
	if n > 0 {
		start(n)
		return
	}
	mem, err := userWindowChoice()
	if err == nil && choose {
		err = mem.Forget()
	}
	if err == nil {
		if n = mem.Load(info); n > 0 {
			start(n)
			return
		}
	}
	w.SetContent(windowPicker(info, func(n int) {
		if err := mem.Save(n); err != nil {
			slog.Warn("window picker: not remembered; asks again next start", "err", err)
		}
		start(n)
	}))
}
