// Package hallsync is the hall side of the sync with the centre: a worker that pushes the hall's
// event log (the outbox) to the centre and applies the changes the centre makes to the cases it
// owns.
//
// Push: events go in id order, in batches, from the durable cursor in the hall database; the
// cursor only advances to what the centre replied it has applied. Pull: the centre's changes come
// in sequence order from the pull cursor; each is applied under the idempotency key
// "centre-change/<seq>", which the hall store records in the same transaction as the change, and
// then the cursor moves past it. A crash anywhere therefore neither loses nor repeats anything.
//
// The worker reads through the hall's reader pool and writes only its cursor, in one-statement
// transactions, so it never holds up the kiosk or the windows. See docs/sync.md.
package hallsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/internal/backoff"
	"fengqiao/store"
	"fengqiao/wire"
)

// Config configures a Worker. BaseURL and Token are required; the rest have defaults.
type Config struct {
	BaseURL    string        // the centre, e.g. https://zzzx.example.gov.cn
	Token      string        // the site token from "fengqiao-center site add"
	Client     *http.Client  // default: a client with a 30 s timeout
	BatchSize  int           // events per push; default 500
	Interval   time.Duration // pause between rounds when all is in sync; default 5 s
	MinBackoff time.Duration // first pause after a failure; default 1 s
	MaxBackoff time.Duration // longest pause after failures; default 5 min
	Logger     *slog.Logger  // default slog.Default()
}

// Worker syncs one hall with the centre.
type Worker struct {
	hall *store.Hall
	db   *store.DB
	cfg  Config
	base *url.URL
	wake chan struct{}
	sent string // the catalogue the centre last acknowledged, as JSON
}

// New returns a worker for hall.
func New(hall *store.Hall, cfg Config) (*Worker, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("hallsync: centre URL %q: want http(s)://host[:port]", cfg.BaseURL)
	}
	if cfg.Token == "" {
		return nil, errors.New("hallsync: the site token is missing")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	cfg.BatchSize = min(cfg.BatchSize, wire.MaxBatch)
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(cfg.MinBackoff, 5*time.Minute)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Worker{hall: hall, db: hall.DB(), cfg: cfg, base: base, wake: make(chan struct{}, 1)}, nil
}

// Run syncs until ctx ends: a round as soon as the hall logs an event, and at least every
// Interval; after a failure it waits with exponential back-off and jitter. It returns ctx.Err().
func (w *Worker) Run(ctx context.Context) error {
	go w.watch(ctx)
	failures := 0
	for {
		wait := w.cfg.Interval
		if err := w.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failures++
			wait = Backoff(failures, w.cfg.MinBackoff, w.cfg.MaxBackoff)
			w.cfg.Logger.WarnContext(ctx, "sync with the centre failed", "err", err, "failures", failures, "retry_in", wait)
			if rerr := w.db.RecordSyncError(context.WithoutCancel(ctx), err.Error(), time.Now()); rerr != nil {
				w.cfg.Logger.ErrorContext(ctx, "record sync error", "err", rerr)
			}
		} else {
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-w.wake:
			if failures > 0 { // do not cut a back-off short
				select {
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				case <-t.C:
				}
			}
		case <-t.C:
		}
		t.Stop()
	}
}

// watch wakes the worker whenever the hall publishes an event.
func (w *Worker) watch(ctx context.Context) {
	for ctx.Err() == nil {
		ch, err := w.hall.Subscribe(ctx, 0)
		if err == nil {
			for range ch {
				select {
				case w.wake <- struct{}{}:
				default:
				}
			}
		}
		select { // the bus drops slow subscribers: subscribe again
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Backoff returns the pause after the given number of consecutive failures: lo doubled per
// failure up to hi, of which a random part up to half is taken away ("equal jitter") so that
// many halls do not retry in step.
func Backoff(failures int, lo, hi time.Duration) time.Duration {
	return backoff.Jitter(backoff.Delay(failures, lo, hi))
}

// Sync runs one round: push the whole outbox, then pull and apply the centre's changes.
func (w *Worker) Sync(ctx context.Context) error {
	if err := w.push(ctx); err != nil {
		return err
	}
	return w.pull(ctx)
}

// push sends the events after the cursor in batches until the centre has all of them.
func (w *Worker) push(ctx context.Context) error {
	st, err := w.db.SyncState(ctx)
	if err != nil {
		return err
	}
	if st.Recovering {
		return errors.New("push: the hall has not yet recovered its events from the centre (restore or --recover)")
	}
	rec, err := w.db.Recovery(ctx)
	if err != nil {
		return err
	}
	cat, catJSON, err := w.catalogue(ctx)
	if err != nil {
		return err
	}
	newest, err := w.hall.LastEventID(ctx)
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	from := st.Pushed
	for {
		rows, err := w.db.Outbox(ctx, from, w.cfg.BatchSize)
		if err != nil {
			return err
		}
		if len(rows) == 0 && catJSON == w.sent {
			return nil
		}
		req := wire.PushRequest{Events: toEvents(rows), Epoch: w.db.Epoch(), RecoveredThrough: rec.RecoveredThrough,
			Backlog: max(newest-from, 0)}
		if catJSON != w.sent {
			req.Catalogue = &cat
		}
		if len(rows) > 0 {
			newest = max(newest, rows[len(rows)-1].ID) // events logged since the round began
			req.Backlog = newest - rows[len(rows)-1].ID
		}
		var reply wire.PushReply
		if err := w.call(ctx, http.MethodPost, "/api/v1/sync/events", nil, req, &reply); err != nil {
			return err
		}
		w.sent = catJSON
		if len(rows) == 0 {
			return nil // the catalogue alone
		}
		last := rows[len(rows)-1].ID
		switch {
		case reply.AppliedThrough > last:
			return fmt.Errorf("push: the centre has applied up to event %d but this hall has only %d: is the site token used by another hall?",
				reply.AppliedThrough, last)
		case reply.AppliedThrough == from && reply.Applied == 0:
			return fmt.Errorf("push: the centre applied nothing from event %d on", from+1)
		case reply.AppliedThrough < from:
			// The centre is behind the cursor (restored from a backup): resend from its mark.
			w.cfg.Logger.WarnContext(ctx, "the centre is behind this hall; resending", "centre", reply.AppliedThrough, "cursor", from)
		}
		if reply.AppliedThrough > st.Pushed {
			if err := w.db.AdvancePushed(ctx, reply.AppliedThrough, time.Now()); err != nil {
				return err
			}
			st.Pushed = reply.AppliedThrough
		}
		from = reply.AppliedThrough
	}
}

// catalogue returns the hall's catalogue and its JSON, to tell whether the centre has it.
func (w *Worker) catalogue(ctx context.Context) (wire.Catalogue, string, error) {
	info, err := w.hall.Info(ctx)
	if err != nil {
		return wire.Catalogue{}, "", fmt.Errorf("push: read the hall's catalogue: %w", err)
	}
	cat := wire.NewCatalogue(info, w.hall.Rules().Hours)
	b, err := json.Marshal(cat)
	if err != nil {
		return cat, "", fmt.Errorf("push: encode the hall's catalogue: %w", err)
	}
	return cat, string(b), nil
}

func toEvents(rows []store.OutboxEvent) []wire.Event {
	out := make([]wire.Event, len(rows))
	for i, e := range rows {
		out[i] = wire.Event{ID: e.ID, At: e.At, Kind: e.Kind, Body: e.Body, Private: e.Private}
	}
	return out
}

// pullPage is how many changes one pull asks for.
const pullPage = 100

// pull applies the centre's changes after the pull cursor, in order, each exactly once.
func (w *Worker) pull(ctx context.Context) error {
	for {
		st, err := w.db.SyncState(ctx)
		if err != nil {
			return err
		}
		q := url.Values{"after": {fmt.Sprint(st.Pulled)}, "limit": {fmt.Sprint(pullPage)}}
		var reply wire.ChangesReply
		if err := w.call(ctx, http.MethodGet, "/api/v1/sync/changes", q, nil, &reply); err != nil {
			return err
		}
		for _, ch := range reply.Changes {
			if ch.Seq <= st.Pulled {
				continue
			}
			if ch.Seq != st.Pulled+1 {
				return fmt.Errorf("pull: the centre sent change %d after %d", ch.Seq, st.Pulled)
			}
			// A change recorded as handled (recovered: its echo came back with the hall's events)
			// is not applied again.
			outcome, err := w.db.PulledOutcome(ctx, ch.Seq)
			if err == nil && outcome == "" {
				outcome, err = w.apply(ctx, ch)
			}
			if err != nil {
				return err
			}
			if _, err := w.db.RecordPulled(ctx, ch.Seq, ch.Code, ch.Kind, outcome, time.Now()); err != nil {
				return err
			}
			st.Pulled = ch.Seq
		}
		if len(reply.Changes) < pullPage {
			return nil
		}
	}
}

// apply applies one centre change to the hall under an idempotency key derived from its seq, so
// that applying it again after a crash returns the recorded result instead of acting twice. It
// returns "applied", or the code of the hall's refusal: a change the hall's rules refuse would be
// refused again, so it is recorded and skipped rather than retried forever.
func (w *Worker) apply(ctx context.Context, ch wire.Change) (string, error) {
	kctx := app.WithIdempotencyKey(ctx, fmt.Sprintf("centre-change/%d", ch.Seq))
	var err error
	switch {
	case ch.Kind == wire.ChangeStatus && ch.Change != nil:
		_, err = w.hall.ApplyCentreChange(kctx, ch.Code, *ch.Change)
	case ch.Kind == wire.ChangeFollowUp:
		_, err = w.hall.AddFollowUp(kctx, ch.Code, ch.Note, ch.By)
	case ch.Kind == wire.ChangeEscalationAccepted:
		_, err = w.hall.AcceptEscalation(kctx, ch.Code, ch.Note, ch.By)
	case ch.Kind == wire.ChangeSession && ch.Session != nil:
		_, err = w.hall.RecordSession(kctx, ch.Code, *ch.Session)
	case ch.Kind == wire.ChangeHandover && ch.Case != nil && ch.Case.Code == ch.Code:
		_, err = w.hall.ReceiveHandover(kctx, *ch.Case, ch.Note, ch.By)
	case ch.Kind == wire.ChangeAssign && ch.Case != nil && ch.Case.Code == ch.Code:
		_, err = w.hall.ReceiveAssigned(kctx, *ch.Case, ch.Note, ch.By)
	case ch.Kind == wire.ChangeNotice && ch.Case != nil && ch.Case.Code == ch.Code:
		_, err = w.hall.ReceiveNotice(kctx, *ch.Case, ch.Note, ch.By)
	default:
		err = app.Errorf(app.EINVALID, "unknown change kind %q", ch.Kind)
	}
	switch code := app.ErrorCode(err); code {
	case "":
		return "applied", nil
	case app.EINVALID, app.ENOTFOUND, app.ENOTOWNER, app.ETRANSITION, app.ECONFLICT:
		w.cfg.Logger.WarnContext(ctx, "the hall refused a centre change", "seq", ch.Seq, "kind", ch.Kind, "code", code)
		return code, nil
	default:
		return "", fmt.Errorf("apply centre change %d: %w", ch.Seq, err)
	}
}
