package rating

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/store"
)

// firstLook is a Feed that tells when the pad first reads the queue.
type firstLook struct {
	Feed
	once   sync.Once
	looked chan struct{}
}

func (f *firstLook) Queue(ctx context.Context) (app.QueueStatus, error) {
	f.once.Do(func() { close(f.looked) })
	return f.Feed.Queue(ctx)
}

// The pad on a real hall (SQLite, no fakes): a ticket completed at the window asks, and the
// visitor's press is stored as the window's rating.
func TestPadOnRealHall(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	info := testInfo()
	info.Services = app.DefaultServices()
	info.Windows[1].Services = []string{info.Services[0].Code}
	hall := store.NewConsole(store.NewHall(db, info, app.DefaultRules(), nil), func(string, string) bool { return true })

	p, ui := newPad(t, hall, Options{})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := &firstLook{Feed: hall, looked: make(chan struct{})}
	go p.Run(runCtx, feed)
	<-feed.looked // subscribed: the pad reads the queue once it has subscribed

	tk, err := hall.Issue(ctx, app.IssueRequest{Service: info.Services[0].Code})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func(context.Context, int) (app.Ticket, error){hall.Call, hall.Start, hall.Complete} {
		if _, err := step(ctx, 2); err != nil {
			t.Fatal(err)
		}
	}
	ui.wait(t, Asking)
	test.Tap(p.buttons[1])
	ui.wait(t, Thanks)
	rs, err := hall.Ratings(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Ticket != tk.ID || rs[0].Window != 2 || rs[0].Score != app.Satisfied {
		t.Fatalf("ratings %+v, want ticket %d rated 满意 at window 2", rs, tk.ID)
	}
}
