package center

import (
	"cmp"
	"encoding/json"
	"fmt"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// Decoded is a pushed event with its body parsed.
type Decoded struct {
	wire.Event
	Body    app.Event
	Visitor *app.Visitor // the private identity, if the event carries one
	Rating  *app.Rating  // the rating of an app.EventRated, if its body holds one
}

// Decode validates a batch and parses its events. Ids must be positive and strictly increasing;
// ticket events must carry a ticket and case events a case with a valid code. Any fault refuses
// the whole batch with an EINVALID error that names the event.
func Decode(events []wire.Event) ([]Decoded, error) {
	if len(events) > wire.MaxBatch {
		return nil, app.Errorf(app.EINVALID, "a batch holds at most %d events, not %d", wire.MaxBatch, len(events))
	}
	out := make([]Decoded, len(events))
	var last int64
	for i, e := range events {
		d, err := decode(e)
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "event %d (#%d in batch): %v", e.ID, i, err)
		}
		if e.ID <= last {
			return nil, app.Errorf(app.EINVALID, "event %d (#%d in batch): ids must be strictly increasing", e.ID, i)
		}
		last = e.ID
		out[i] = d
	}
	return out, nil
}

func decode(e wire.Event) (Decoded, error) {
	d := Decoded{Event: e}
	switch {
	case e.ID <= 0:
		return d, fmt.Errorf("id must be positive")
	case e.Kind == "":
		return d, fmt.Errorf("kind is missing")
	case e.At.IsZero():
		return d, fmt.Errorf("time is missing")
	}
	if err := json.Unmarshal(e.Body, &d.Body); err != nil {
		return d, fmt.Errorf("body: %v", err)
	}
	if d.Body.Kind != e.Kind {
		return d, fmt.Errorf("body kind %q differs from %q", d.Body.Kind, e.Kind)
	}
	if len(e.Private) > 0 && string(e.Private) != "null" {
		d.Visitor = new(app.Visitor)
		if err := json.Unmarshal(e.Private, d.Visitor); err != nil {
			return d, fmt.Errorf("private: %v", err)
		}
	}
	switch {
	case e.Kind == app.EventRated:
		// A rating the centre cannot read refuses the event alone, in Projection.Apply.
		var b ratingBody
		if json.Unmarshal(e.Body, &b) == nil {
			d.Rating = b.Rating
		}
	case e.Kind.OfTicket():
		if d.Body.Ticket == nil || d.Body.Ticket.ID <= 0 {
			return d, fmt.Errorf("a ticket event needs a ticket")
		}
	case e.Kind.OfCase():
		if d.Body.Case == nil {
			return d, fmt.Errorf("a case event needs a case")
		}
		code, err := app.ParseCaseCode(d.Body.Case.Code)
		if err != nil || code != d.Body.Case.Code {
			return d, fmt.Errorf("case code is not valid")
		}
	}
	return d, nil
}

// CaseCodes returns the codes of the cases that events touch, each once.
func CaseCodes(events []Decoded) []string {
	seen := map[string]bool{}
	var codes []string
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	for _, d := range events {
		if d.Body.Case != nil {
			add(d.Body.Case.Code)
		}
		if d.Body.Ticket != nil {
			add(d.Body.Ticket.CaseCode) // to check the ticket names a case of its own site
		}
		if d.Rating != nil {
			add(d.Rating.CaseCode) // likewise for the rating
		}
	}
	return codes
}

// CaseState is the centre's record of a case, without its history.
type CaseState struct {
	Site     int64
	Case     app.Case     // History and Tickets are not used
	Identity *app.Visitor // the full identity, kept apart from the masked one
	Changed  bool         // must be written back
	// WorkerSite is the site the centre handed the case to (the town hall, 镇级受理), 0 if none.
	// The case stays a town-level case (Owner is app.OwnerCentre) but that site works it: its
	// events on the case are applied and relayed to the case's own site, and the centre's own
	// status changes are refused. See docs/sync.md, "Who owns a case".
	WorkerSite int64
}

// worker is the site whose events change the case: the site it was handed to, else its own site
// while it owns it; 0 while the centre works it.
func (cs *CaseState) worker() int64 {
	switch {
	case cs.WorkerSite != 0:
		return cs.WorkerSite
	case cs.Case.Owner == app.OwnerHall:
		return cs.Site
	}
	return 0
}

// ownedBy reports whether the site works the case (see worker).
func (cs *CaseState) ownedBy(site int64) bool { return cs.worker() == site }

// Relay is a change the centre queues for a site as it applies another site's event on a
// handed-over case: what the hall working it did, sent on to the hall that opened it, and the
// follow-ups of the hall that opened it, sent on to the hall working it.
type Relay struct {
	Site   int64
	Change wire.Change // Seq and At are set by the store
}

// Entry is one line of a case's history at the centre.
type Entry struct {
	Code    string
	At      time.Time
	Kind    string
	Status  app.CaseStatus
	Note    string
	By      string
	Origin  app.Owner // who wrote it
	EventID int64     // the hall event it came from, for hall entries
	Seq     int64     // the centre change, for centre entries
}

// Pending is a change the centre sent to a hall whose echo (the hall's event recording it) has
// not arrived yet.
type Pending struct {
	Seq    int64
	Code   string
	Kind   string
	Status app.CaseStatus
	Note   string
	By     string
	Echo   int64 // the hall event found to be its echo; 0 while pending
}

// Projection applies a run of a site's events, in id order, to the centre's records held in
// memory. The store loads what the events touch, applies them, and writes the result back in
// the same transaction.
type Projection struct {
	Site    int64
	Cases   map[string]*CaseState // by code
	Tickets map[int64]*app.Ticket // final snapshot by hall ticket id
	Entries []Entry               // new history lines, in order
	Pending []*Pending            // centre changes awaiting their echo, in seq order
	Ratings []RatingRow           // visitor ratings (好差评), from app.EventRated
	Relays  []Relay               // changes for the sites that opened the handed-over cases touched
}

// ratingBody is the part of a rating event's body the centre reads. The hall's app.EventRated
// records a visitor's rating of a completed ticket; its body is an app.Event with the rating in
// the field "rating". Halls that do not send it yet leave the centre's rating statistics empty.
type ratingBody struct {
	Rating *app.Rating `json:"rating"`
}

// NewProjection returns an empty projection for a site.
func NewProjection(site int64) *Projection {
	return &Projection{Site: site, Cases: map[string]*CaseState{}, Tickets: map[int64]*app.Ticket{}}
}

// Apply applies one event and returns its outcome, with the reason of a refusal. A site touches
// only its own cases and tickets: an event naming another site's case is refused, and so is an
// event whose text breaks the centre's limits (see ValidName, ValidPhone, ValidText).
func (p *Projection) Apply(d Decoded) (outcome, reason string) {
	if err := validEvent(d); err != nil {
		return OutcomeRefused, "invalid input: " + err.Error()
	}
	ev := d.Body
	if t := ev.Ticket; t != nil && d.Kind.OfTicket() {
		if cs := p.Cases[t.CaseCode]; t.CaseCode != "" && cs != nil && cs.Site != p.Site {
			return OutcomeRefused, "the ticket names a case of another site"
		}
		snap := *t
		p.Tickets[t.ID] = &snap
		if d.Visitor != nil && t.CaseCode != "" {
			if cs := p.Cases[t.CaseCode]; cs != nil && cs.Site == p.Site && cs.Identity == nil {
				cs.Identity, cs.Changed = d.Visitor, true
			}
		}
		return OutcomeApplied, ""
	}
	if d.Kind == app.EventRated {
		r := d.Rating
		if r == nil || !r.Score.Valid() {
			return OutcomeRefused, "a rating event needs a rating with a score of 1 to 5"
		}
		if cs := p.Cases[r.CaseCode]; r.CaseCode != "" && cs != nil && cs.Site != p.Site {
			return OutcomeRefused, "the rating names a case of another site"
		}
		id := r.ID
		if id == 0 {
			id = d.ID // one rating per event
		}
		p.Ratings = append(p.Ratings, RatingRow{Site: p.Site, ID: id, Label: r.Label, Window: r.Window, Score: r.Score,
			Flagged: r.Score.Flagged(), CaseCode: r.CaseCode, At: cmp.Or(r.At, d.At), Staff: r.Staff})
		return OutcomeApplied, ""
	}
	if ev.Case == nil || !d.Kind.OfCase() {
		return OutcomeRecorded, ""
	}
	snap := *ev.Case
	cs := p.Cases[snap.Code]
	if d.Kind == app.EventCaseOpened {
		if cs != nil {
			return OutcomeRefused, "the case exists already"
		}
		cs = &CaseState{Site: p.Site, Case: snap, Identity: d.Visitor, Changed: true}
		cs.Case.Owner = app.OwnerHall
		p.Cases[snap.Code] = cs
		for _, h := range snap.History {
			p.hallEntry(d, snap.Code, h)
		}
		if len(snap.History) == 0 {
			p.hallEntry(d, snap.Code, app.CaseEntry{At: d.At, Kind: app.EntryStatus, Status: snap.Status, By: string(app.OwnerHall)})
		}
		return OutcomeApplied, ""
	}
	if cs == nil {
		return OutcomeRefused, "no such case at the centre"
	}
	if cs.Site != p.Site && cs.WorkerSite != p.Site {
		return OutcomeRefused, "the case belongs to another site"
	}
	entry := lastEntry(d, snap)
	if kind, ok := echoKinds[d.Kind]; ok {
		if pd := p.match(snap.Code, kind, func(*Pending) bool { return true }); pd != nil {
			pd.Echo = d.ID
			return OutcomeEcho, ""
		}
		return OutcomeRefused, "no change of the centre to record"
	}
	switch d.Kind {
	case app.EventCaseChanged:
		if !cs.ownedBy(p.Site) {
			if pd := p.match(snap.Code, wire.ChangeStatus, func(pd *Pending) bool { return pd.Status == snap.Status }); pd != nil {
				pd.Echo = d.ID
				return OutcomeEcho, ""
			}
			return OutcomeRefused, "status change by the hall of a case the centre owns"
		}
		p.takeSnapshot(cs, snap)
		p.hallEntry(d, snap.Code, entry)
		p.relay(cs, wire.Change{Kind: wire.ChangeStatus, Change: &app.CaseChange{Status: snap.Status, Unit: snap.Unit,
			Level: snap.Level, Handling: snap.Handling, Department: snap.Department, Summary: snap.Summary,
			Category: snap.Category, Result: snap.Result, FollowUpOn: snap.FollowUpOn, Deadline: snap.Deadline,
			Note: entry.Note, By: entry.By}})
	case app.EventCaseNote:
		if pd := p.match(snap.Code, wire.ChangeFollowUp, func(pd *Pending) bool { return pd.Note == entry.Note && pd.By == entry.By }); pd != nil {
			pd.Echo = d.ID
			return OutcomeEcho, ""
		}
		if snap.UpdatedAt.After(cs.Case.UpdatedAt) {
			cs.Case.UpdatedAt, cs.Changed = snap.UpdatedAt, true
		}
		p.hallEntry(d, snap.Code, entry)
		p.relay(cs, wire.Change{Kind: wire.ChangeFollowUp, Note: entry.Note, By: entry.By})
	case app.EventEscalated:
		if cs.Case.Owner != app.OwnerHall || !cs.ownedBy(p.Site) {
			return OutcomeRefused, "the centre owns the case already"
		}
		p.takeSnapshot(cs, snap)
		cs.Case.Owner = app.OwnerCentre
		p.hallEntry(d, snap.Code, entry)
	default:
		return OutcomeRecorded, ""
	}
	return OutcomeApplied, ""
}

// echoKinds maps the hall events that only record a change of the centre's to that change's kind.
var echoKinds = map[app.EventKind]string{
	app.EventEscalationAccepted: wire.ChangeEscalationAccepted,
	app.EventSession:            wire.ChangeSession,
	app.EventHandedOver:         wire.ChangeHandover,
	app.EventAssigned:           wire.ChangeAssign,
	app.EventNoticed:            wire.ChangeNotice,
}

// relay sends ch on to the other hall of a handed-over case: from the site working it to the site
// that opened it, and from the site that opened it to the site working it. That hall applies it
// like any change of the centre and echoes it.
func (p *Projection) relay(cs *CaseState, ch wire.Change) {
	to := cs.Site
	switch {
	case cs.WorkerSite == 0:
		return
	case p.Site == cs.Site:
		to = cs.WorkerSite
	}
	ch.Code = cs.Case.Code
	p.Relays = append(p.Relays, Relay{Site: to, Change: ch})
}

// validEvent checks the text an event carries.
func validEvent(d Decoded) error {
	if d.Visitor != nil {
		if err := validVisitor(*d.Visitor); err != nil {
			return err
		}
	}
	if t := d.Body.Ticket; t != nil {
		if err := validTicket(t); err != nil {
			return err
		}
	}
	if c := d.Body.Case; c != nil {
		return validCase(c)
	}
	return nil
}

// takeSnapshot copies the fields the owning hall decides from its latest snapshot of the case.
func (p *Projection) takeSnapshot(cs *CaseState, snap app.Case) {
	c := &cs.Case
	c.Service, c.Category, c.Status = snap.Service, snap.Category, snap.Status
	c.Unit, c.Level, c.Handling, c.Department = snap.Unit, snap.Level, snap.Handling, snap.Department
	c.Summary, c.Result, c.FollowUpOn, c.Deadline = snap.Summary, snap.Result, snap.FollowUpOn, snap.Deadline
	c.UpdatedAt, c.ClosedAt = snap.UpdatedAt, snap.ClosedAt
	if snap.Visitor != nil {
		c.Visitor = snap.Visitor
	}
	cs.Changed = true
}

func (p *Projection) hallEntry(d Decoded, code string, h app.CaseEntry) {
	p.Entries = append(p.Entries, Entry{Code: code, At: h.At, Kind: h.Kind, Status: h.Status, Note: h.Note,
		By: h.By, Origin: app.OwnerHall, EventID: d.ID})
}

// match returns the oldest pending centre change of the case that ok accepts.
func (p *Projection) match(code, kind string, ok func(*Pending) bool) *Pending {
	for _, pd := range p.Pending {
		if pd.Echo == 0 && pd.Code == code && pd.Kind == kind && ok(pd) {
			return pd
		}
	}
	return nil
}

// lastEntry is the history line that a case event added at the hall: every case event of the
// hall appends exactly one.
func lastEntry(d Decoded, snap app.Case) app.CaseEntry {
	if n := len(snap.History); n > 0 {
		return snap.History[n-1]
	}
	kind := app.EntryStatus
	switch d.Kind {
	case app.EventCaseNote:
		kind = app.EntryFollowUp
	case app.EventEscalated:
		kind = app.EntryEscalated
	}
	return app.CaseEntry{At: d.At, Kind: kind, Status: snap.Status, By: string(app.OwnerHall)}
}
