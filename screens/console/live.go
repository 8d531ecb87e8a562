package console

import (
	"context"
	"time"

	"fengqiao/app"
	"fengqiao/screens/live"
)

// Run keeps the console current until ctx ends: it follows the hub's events (queue changes, help
// alerts, ratings of this window, which update the day's counts at once), reloads everything when
// the hub resets the stream, and while the hub is unreachable it retries every few seconds and
// says so.
func (sc *Screen) Run(ctx context.Context) {
	l := &live.Loop{Name: "console", Events: sc.s.Client(), Post: sc.opt.Post,
		Poll: 30 * time.Second, Retry: 3 * time.Second, Offline: func() bool { return !sc.s.Online() }}
	l.Load = func(ctx context.Context, why live.Reason) error {
		// A queue change reloads the queue alone; the rest reload the help alerts too.
		err := sc.sync(ctx, why != live.Kick)
		if why == live.Start || why == live.Reset || why == live.Poll {
			sc.loadSync(ctx)
		}
		if why == live.Reset || why == live.Poll {
			// Whatever was missed is unknown: the day's counts too.
			sc.opt.Post(sc.reloadStats)
		}
		return err
	}
	l.Event = func(ctx context.Context, ev app.Event) {
		switch {
		case ev.Kind == app.EventRated:
			if ev.Window == sc.s.Window || ev.Rating != nil && ev.Rating.Window == sc.s.Window {
				sc.opt.Post(sc.reloadStats)
			}
		case ev.Kind == app.EventHelp || ev.Kind == app.EventHelpTaken:
			c, cancel := context.WithTimeout(ctx, sc.opt.Timeout)
			sc.s.RefreshHelp(c)
			cancel()
			sc.opt.Post(sc.render)
		case ev.Ticket != nil || ev.Kind == app.EventPaused || ev.Kind == app.EventUnpaused:
			l.Kick()
		}
	}
	l.Run(ctx)
}

// sync reloads the queue and the window's state, and with help the open help alerts, and shows
// them; it returns the error of the queue's reload.
func (sc *Screen) sync(ctx context.Context, help bool) error {
	c, cancel := context.WithTimeout(ctx, sc.opt.Timeout)
	defer cancel()
	err := sc.s.Refresh(c)
	if help && err == nil {
		sc.s.RefreshHelp(c)
	}
	sc.opt.Post(func() {
		sc.render()
		if err == nil && sc.s.Staff() != nil {
			sc.afterTicketChange()
		}
	})
	return err
}

// reloadStats reloads the day's counts while someone is signed in. Call it on the UI thread.
func (sc *Screen) reloadStats() {
	if sc.s.Staff() != nil {
		sc.loadStats()
	}
}
