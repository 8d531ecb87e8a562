package center

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// Reminder is the body the reminder hook receives for a booking, as JSON: on standard input of
// the command, or as the body of the POST to the URL. Phone is the resident's full mobile
// number, for a town's own SMS gateway; it travels only in this body, never in a URL, an
// argument or a log.
type Reminder struct {
	Code       string    `json:"code"`
	Hall       string    `json:"hall"`
	HallPhone  string    `json:"hall_phone,omitempty"`
	Service    string    `json:"service"`
	Slot       time.Time `json:"slot"`
	Minutes    int       `json:"minutes"`
	When       string    `json:"when"` // in Chinese, as an SMS would say it: 3月2日 周二 09:00–09:30
	MaskedName string    `json:"masked_name"`
	Phone      string    `json:"phone"`
}

// Reminders sends each booking's reminder once, Ahead before its slot (docs/centre.md
// "Appointments"): to an HTTP URL (POST, JSON) or a command (JSON on standard input), whichever
// is set; nothing when neither is. A booking is claimed (recorded) before it is sent, so two
// centre nodes never both send it; a send that fails gives the claim back for the next round.
type Reminders struct {
	Store   BookingStore
	Sites   func(ctx context.Context) ([]Site, error)
	URL     string
	Command string // a program and its arguments, split on spaces; the body goes to its stdin
	Ahead   time.Duration
	Client  *http.Client
	Log     *slog.Logger
	Now     func() time.Time
}

// Enabled reports whether a hook is configured.
func (r *Reminders) Enabled() bool { return r.URL != "" || r.Command != "" }

// Run sends the due reminders every interval until ctx ends.
func (r *Reminders) Run(ctx context.Context, every time.Duration) {
	for {
		if n, err := r.Once(ctx); err != nil {
			r.Log.ErrorContext(ctx, "booking reminders", "sent", n, "err", err)
		} else if n > 0 {
			r.Log.InfoContext(ctx, "booking reminders sent", "sent", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// Once sends the reminders of the booked bookings whose slots start between now and Ahead from
// now and returns how many it sent.
func (r *Reminders) Once(ctx context.Context) (int, error) {
	if !r.Enabled() {
		return 0, nil
	}
	now := r.Now()
	due, err := r.Store.DueReminders(ctx, now, now.Add(r.Ahead))
	if err != nil || len(due) == 0 {
		return 0, err
	}
	sites, err := r.Sites(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, b := range due {
		claimed, err := r.Store.MarkReminded(ctx, b.Code, now)
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue // another node has it
		}
		if err := r.send(ctx, reminderOf(b, sites)); err != nil {
			// No phone and no name in the error: the hook's own messages are not ours to log.
			errs = append(errs, fmt.Errorf("remind booking %s: %w", b.Code, err))
			if err := r.Store.ReleaseReminder(ctx, b.Code); err != nil {
				return sent, err
			}
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

func reminderOf(b BookingRecord, sites []Site) Reminder {
	m := Reminder{Code: b.Code, Service: b.Service, Slot: b.Slot, Minutes: b.Minutes, MaskedName: b.MaskedName, Phone: b.Phone}
	for _, st := range sites {
		if st.ID != b.Site {
			continue
		}
		m.Hall, m.HallPhone = st.Name, st.Phone
		loc := time.Local
		if st.Catalogue != nil {
			m.HallPhone = cmp.Or(st.Phone, st.Catalogue.Phone)
			_, loc = st.Catalogue.OpeningHours()
			for _, svc := range st.Catalogue.Services {
				if svc.Code == b.Service {
					m.Service = svc.Name
				}
			}
		}
		t := b.Slot.In(loc)
		m.Slot = t
		m.When = t.Format("1月2日") + " " + weekdays[t.Weekday()] + " " + t.Format("15:04") + "–" +
			t.Add(time.Duration(b.Minutes)*time.Minute).Format("15:04")
	}
	return m
}

// send hands one reminder to the hook.
func (r *Reminders) send(ctx context.Context, m Reminder) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if r.URL != "" {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		client := r.Client
		if client == nil {
			client = http.DefaultClient
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("post the reminder: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("the reminder URL answered %d", resp.StatusCode)
		}
		return nil
	}
	args := strings.Fields(r.Command)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = bytes.NewReader(body)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the reminder command failed: %w", err)
	}
	return nil
}
