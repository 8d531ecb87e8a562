package center

import (
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"

	"fengqiao/app"
)

// Limits of what people type at the centre and what halls send it.
const (
	MaxHanName     = 15  // characters of a Chinese name (a CJK Extension B character counts as one)
	MaxForeignName = 120 // bytes of any other name
	MaxNote        = 2000
	MaxSummary     = 2000
	MaxShort       = 100 // characters of a short field: unit, category, site name, label …
)

var (
	mobile   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$`)
	// masked phones as the halls send them: 139****5678.
	maskedPhone = regexp.MustCompile(`^[\d*+-]{0,20}$`)
)

// ValidName checks a person's or account's name: not empty, no control characters, up to
// MaxHanName characters when it holds a Chinese character, else up to MaxForeignName bytes.
func ValidName(name string) error {
	if name == "" {
		return app.Errorf(app.EINVALID, "the name is empty")
	}
	if err := clean("name", name); err != nil {
		return err
	}
	han := false
	for _, r := range name {
		han = han || unicode.Is(unicode.Han, r)
	}
	if han && utf8.RuneCountInString(name) > MaxHanName {
		return app.Errorf(app.EINVALID, "a Chinese name has at most %d characters", MaxHanName)
	}
	if !han && len(name) > MaxForeignName {
		return app.Errorf(app.EINVALID, "a name has at most %d bytes", MaxForeignName)
	}
	return nil
}

// ValidPhone checks a mobile (1[3-9] and 9 digits) or landline (0, area code, 7 or 8 digits,
// an optional -extension) number. The empty string is valid: no phone.
func ValidPhone(phone string) error {
	if phone == "" || mobile.MatchString(phone) || landline.MatchString(phone) {
		return nil
	}
	return app.Errorf(app.EINVALID, "the phone must be a mobile or landline number")
}

// ValidText checks free text: at most max characters and no control characters but line breaks
// and tabs.
func ValidText(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return app.Errorf(app.EINVALID, "%s has at most %d characters", field, max)
	}
	for _, r := range s {
		if r != '\n' && r != '\r' && r != '\t' && badRune(r) {
			return app.Errorf(app.EINVALID, "%s holds a control character", field)
		}
	}
	return nil
}

// ValidShort checks a one-line field of at most MaxShort characters.
func ValidShort(field, s string) error {
	if utf8.RuneCountInString(s) > MaxShort {
		return app.Errorf(app.EINVALID, "%s has at most %d characters", field, MaxShort)
	}
	return clean(field, s)
}

// clean refuses control characters (line breaks included), bidirectional overrides and invalid
// UTF-8.
func clean(field, s string) error {
	if !utf8.ValidString(s) {
		return app.Errorf(app.EINVALID, "%s is not valid UTF-8", field)
	}
	for _, r := range s {
		if badRune(r) {
			return app.Errorf(app.EINVALID, "%s holds a control character", field)
		}
	}
	return nil
}

func badRune(r rune) bool {
	return unicode.IsControl(r) || r == utf8.RuneError || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// ValidChange checks the text of a case change made at the centre.
func ValidChange(c app.CaseChange) error {
	for _, f := range []struct{ name, v string }{{"unit", c.Unit}, {"level", c.Level}, {"handling", c.Handling},
		{"department", c.Department}, {"category", c.Category}, {"result", string(c.Result)},
		{"follow_up_on", c.FollowUpOn}} {
		if err := ValidShort(f.name, f.v); err != nil {
			return err
		}
	}
	if err := ValidText("summary", c.Summary, MaxSummary); err != nil {
		return err
	}
	return ValidText("note", c.Note, MaxNote)
}

// validCase checks what a hall sends of a case: its text fields, the masked visitor and the
// history's notes.
func validCase(c *app.Case) error {
	ch := app.CaseChange{Unit: c.Unit, Level: c.Level, Handling: c.Handling, Department: c.Department,
		Category: c.Category, Result: c.Result, FollowUpOn: c.FollowUpOn, Summary: c.Summary}
	if err := ValidChange(ch); err != nil {
		return err
	}
	if err := ValidShort("service", c.Service); err != nil {
		return err
	}
	if err := validOrigin(c); err != nil {
		return err
	}
	if v := c.Visitor; v != nil {
		if err := validMasked(*v); err != nil {
			return err
		}
	}
	for _, h := range c.History {
		if err := ValidText("note", h.Note, MaxNote); err != nil {
			return err
		}
		if err := ValidShort("by", h.By); err != nil {
			return err
		}
	}
	return nil
}

func validMasked(v app.MaskedVisitor) error {
	if v.Name != "" {
		if err := ValidName(v.Name); err != nil {
			return err
		}
	}
	if err := ValidShort("id_number", v.IDNumber); err != nil {
		return err
	}
	if !maskedPhone.MatchString(v.Phone) {
		return app.Errorf(app.EINVALID, "the masked phone is not a phone")
	}
	return nil
}

// validVisitor checks a visitor's private identity.
func validVisitor(v app.Visitor) error {
	if v.Name != "" {
		if err := ValidName(v.Name); err != nil {
			return err
		}
	}
	if err := ValidShort("id_number", v.IDNumber); err != nil {
		return err
	}
	return ValidPhone(v.Phone)
}

// validTicket checks the text of a ticket.
func validTicket(t *app.Ticket) error {
	for _, f := range []struct{ name, v string }{{"label", t.Label}, {"service", t.Service}, {"category", t.Category},
		{"day", t.Day}, {"case_code", t.CaseCode}} {
		if err := ValidShort(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// validOrigin checks how a case says it came in: a known source and risk grade, a short grid name.
func validOrigin(c *app.Case) error {
	if !slices.Contains(app.Sources, c.Source) {
		return app.Errorf(app.EINVALID, "source %q is not one of the known sources", c.Source)
	}
	if c.Risk != app.RiskNone && !slices.Contains(app.Risks, c.Risk) {
		return app.Errorf(app.EINVALID, "risk %q is not one of the known grades", c.Risk)
	}
	return ValidShort("grid", c.Grid)
}
