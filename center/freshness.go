package center

import (
	"context"
	"slices"
	"sync"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// DefaultContactLimit is how much of a site's opening hours may pass without a push or a pull
// before the dashboard says the site is out of contact.
const DefaultContactLimit = time.Hour

// Contact is one exchange of a hall with the centre, as the dashboard's freshness shows it.
type Contact struct {
	At   time.Time
	Pull bool // a pull of changes; a push otherwise
	// Backlog and Catalogue are what a push reports: the events the hall still has to send, and
	// its catalogue when the push carries one.
	Backlog   int64
	Catalogue *wire.Catalogue
}

// ContactStore records the halls' exchanges with the centre.
type ContactStore interface {
	// RecordContact records a push or pull of the site: its time, and for a push the backlog and
	// the catalogue if one came.
	RecordContact(ctx context.Context, site int64, c Contact) error
}

// LastContact returns the site's latest push or pull; nil if it never made one.
func (s Site) LastContact() *time.Time {
	switch {
	case s.LastPushAt == nil:
		return s.LastPullAt
	case s.LastPullAt == nil || s.LastPushAt.After(*s.LastPullAt):
		return s.LastPushAt
	}
	return s.LastPullAt
}

// Freshness is how recent a site's figures are.
type Freshness struct {
	Site
	// Silent is the opening time since the last contact (all of it for a site whose catalogue
	// gives no hours); for a site never heard from, the time since the centre knows it is 0 and
	// Never is set.
	Silent time.Duration
	Since  time.Duration // the wall-clock time since the last contact
	Never  bool
	Lost   bool   // Never, or Silent beyond the limit
	Hours  string // the site's opening hours in Chinese, "" when unknown
}

// SiteFreshness returns the freshness of each site as of now, in the order given: a site is lost
// when it never made contact, or when more than limit of its opening hours passed since.
func SiteFreshness(sites []Site, now time.Time, limit time.Duration) []Freshness {
	out := make([]Freshness, len(sites))
	for i, s := range sites {
		f := Freshness{Site: s}
		hours, loc := app.AlwaysOpen, app.DefaultRules().Location
		if s.Catalogue != nil {
			hours, loc = s.Catalogue.OpeningHours()
			f.Hours = s.Catalogue.Hours
		}
		if last := s.LastContact(); last == nil {
			f.Never, f.Lost = true, true
		} else {
			f.Silent, f.Since = OpenTime(hours, loc, *last, now), now.Sub(*last)
			f.Lost = f.Silent > limit
		}
		out[i] = f
	}
	return out
}

// maxOpenDays bounds OpenTime's walk: a site silent this long is lost whatever its hours.
const maxOpenDays = 400

// OpenTime returns how much of the opening hours in loc lies between from and to.
func OpenTime(h app.Hours, loc *time.Location, from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if len(h.Periods) == 0 {
		return to.Sub(from)
	}
	if to.Sub(from) > maxOpenDays*24*time.Hour {
		from = to.Add(-maxOpenDays * 24 * time.Hour)
	}
	var total time.Duration
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); day.Before(to); day = day.AddDate(0, 0, 1) {
		if len(h.Weekdays) > 0 && !slices.Contains(h.Weekdays, day.Weekday()) {
			continue
		}
		for _, p := range h.Periods {
			start := day.Add(time.Duration(p.Start) * time.Minute)
			end := day.Add(time.Duration(p.End) * time.Minute)
			if start.Before(from) {
				start = from
			}
			if end.After(to) {
				end = to
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		}
	}
	return total
}

// lostSites returns the sites of the scope out of contact, for the banner of every page; a
// failure to read them is logged and shows no banner.
func (s *Server) lostSites(ctx context.Context, scope Scope) []Freshness {
	sites, err := s.sites(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "read sites for the contact banner", "err", err)
		return nil
	}
	var lost []Freshness
	for _, f := range SiteFreshness(sites, s.now(), s.contactLimit) {
		if f.Lost && scope.Allows(f.ID) {
			lost = append(lost, f)
		}
	}
	return lost
}

// maxCatalogueServices bounds a hall's catalogue.
const maxCatalogueServices = 100

// validCatalogue checks a catalogue a hall sent: short one-line texts, a bounded list.
func validCatalogue(c *wire.Catalogue) error {
	if c == nil {
		return nil
	}
	if err := validPlan(c.Booking); err != nil {
		return err
	}
	if len(c.Services) > maxCatalogueServices {
		return app.Errorf(app.EINVALID, "a catalogue has at most %d services", maxCatalogueServices)
	}
	type field struct{ name, value string }
	fields := []field{{"name", c.Name}, {"phone", c.Phone}, {"time_zone", c.TimeZone}, {"hours", c.Hours}}
	for _, p := range c.Periods {
		fields = append(fields, field{"period", p})
	}
	for _, svc := range c.Services {
		fields = append(fields, field{"service code", svc.Code}, field{"service name", svc.Name}, field{"prefix", svc.Prefix})
		for _, cat := range append(slices.Clone(svc.Categories), svc.DisputeCategories...) {
			fields = append(fields, field{"category", cat})
		}
	}
	for _, f := range fields {
		if err := ValidShort("catalogue "+f.name, f.value); err != nil {
			return err
		}
	}
	return nil
}

// pullMarkEvery is how often a node records a site's pulls: a hall pulls every few seconds, and
// the dashboard's freshness counts in minutes (DefaultContactLimit), so a pull's time is written
// when this node has not written one for the site within pullMarkEvery, and the pull is otherwise
// a read only. The recorded time is then at most pullMarkEvery behind the hall's last pull.
const pullMarkEvery = 30 * time.Second

// pullMarks remembers when this node last recorded each site's pull.
type pullMarks struct {
	mu sync.Mutex
	at map[int64]time.Time
}

// due reports whether a pull of the site at now should be recorded, and if so marks it recorded.
func (m *pullMarks) due(site int64, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if last, ok := m.at[site]; ok && now.Sub(last) < pullMarkEvery && !now.Before(last) {
		return false
	}
	if m.at == nil {
		m.at = map[int64]time.Time{}
	}
	m.at[site] = now
	return true
}

// forget drops the site's mark, so that its next pull is recorded: the last write failed.
func (m *pullMarks) forget(site int64) {
	m.mu.Lock()
	delete(m.at, site)
	m.mu.Unlock()
}
