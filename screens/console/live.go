package console

import (
	"context"
	"log/slog"
	"time"

	"fengqiao/app"
)

// Run keeps the console current until ctx ends: it follows the hub's events (queue changes, help
// alerts, ratings of this window, which update the day's counts at once), reloads everything when
// the hub resets the stream, and while the hub is unreachable it retries every few seconds and
// says so.
func (sc *Screen) Run(ctx context.Context) {
	events, err := sc.s.Client().Subscribe(ctx, 0)
	if err != nil {
		slog.Warn("console: subscribe failed", "err", err)
	}
	sync := func(help bool) {
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
	}
	sync(true)
	sc.loadSync(ctx)
	retry := time.NewTicker(3 * time.Second)
	defer retry.Stop()
	slow := time.NewTicker(30 * time.Second)
	defer slow.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			switch {
			case ev.Kind == app.EventStreamReset:
				// Whatever was missed is unknown: reload the window, the queue, the help alerts.
				sync(true)
				sc.loadSync(ctx)
				sc.opt.Post(sc.reloadStats)
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
				select {
				case sc.refresh <- struct{}{}:
				default:
				}
			}
		case <-sc.refresh:
			sync(false)
		case <-retry.C:
			if !sc.s.Online() {
				sync(true)
			}
		case <-slow.C:
			sync(true)
			sc.loadSync(ctx)
			sc.opt.Post(sc.reloadStats)
		}
	}
}

// reloadStats reloads the day's counts while someone is signed in. Call it on the UI thread.
func (sc *Screen) reloadStats() {
	if sc.s.Staff() != nil {
		sc.loadStats()
	}
}
