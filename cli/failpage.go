package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fengqiao/screens/theme"
)

// failRetry is how often a failure page tries again.
const failRetry = 15 * time.Second

// failPage shows, full screen, why a screen cannot start — a Chinese heading for whoever stands in
// front of it and the reason in English for staff — instead of exiting unseen into a crash
// loop. Every failRetry it calls retry; once retry succeeds the page closes and the program
// starts afresh (restartSelf). It returns the last error when ctx ends first, or when the
// program cannot restart. fullScreen is false for windowed runs.
func failPage(ctx context.Context, appID string, fullScreen bool, cause error, retry func() error) error {
	slog.Error("cannot start; showing the reason on screen and retrying", "err", cause, "every", failRetry)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(theme.Kiosk())
	w := a.NewWindow("枫桥 · 暂停服务")
	title := canvas.NewText("暂停服务，请联系工作人员", theme.Alert)
	title.TextSize, title.TextStyle = 40, fyne.TextStyle{Bold: true}
	reason := widget.NewLabel("")
	reason.Wrapping = fyne.TextWrapWord
	status := canvas.NewText("", theme.Muted)
	status.TextSize = 22
	show := func(err error, next time.Time) {
		reason.SetText("原因（供工作人员查看）：\n" + err.Error())
		status.Text = fmt.Sprintf("将于 %s 自动重试", next.Format("15:04:05"))
		status.Refresh()
	}
	show(cause, time.Now().Add(failRetry))
	w.SetContent(container.NewStack(canvas.NewRectangle(theme.Ground), container.NewBorder(
		container.NewPadded(container.NewCenter(title)), container.NewPadded(container.NewCenter(status)), nil, nil,
		container.NewPadded(container.NewVScroll(reason)))))
	w.Resize(fyne.NewSize(1280, 800))
	w.SetFullScreen(fullScreen)
	if fullScreen {
		w.SetCloseIntercept(func() {}) // a kiosk is left by fixing the cause, not by a close button
	}
	last := cause
	go func() {
		t := time.NewTicker(failRetry)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				fyne.Do(a.Quit)
				return
			case <-t.C:
			}
			err := retry()
			if err == nil {
				slog.Info("the cause is gone; starting again")
				last = nil
				fyne.Do(a.Quit)
				return
			}
			slog.Warn("still cannot start", "err", err)
			fyne.Do(func() { last = err; show(err, time.Now().Add(failRetry)) })
		}
	}()
	w.ShowAndRun()
	if last != nil {
		return last
	}
	return restartSelf()
}
