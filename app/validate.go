package app

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what people type, shared by the hub and the centre.
const (
	MaxChineseName = 15   // characters of a name in Chinese script (an Extension B character is one)
	MaxForeignName = 120  // bytes of a name in any other script
	MaxText        = 2000 // characters of a case summary or note
	MaxShortText   = 100  // characters of a short field: unit, department, category, kiosk name
)

var (
	mobilePhone   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlinePhone = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}$`)
)

// hasControl reports whether s holds a control character other than those allowed.
func hasControl(s string, allowed string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !strings.ContainsRune(allowed, r) {
			return true
		}
	}
	return false
}

// CheckName checks a visitor's name: no control characters; in Chinese script at most
// MaxChineseName characters, otherwise at most MaxForeignName bytes. The error names the field,
// never the value.
func CheckName(field, name string) error {
	if !utf8.ValidString(name) || hasControl(name, "") {
		return Errorf(EINVALID, "%s holds characters that are not allowed", field)
	}
	han := false
	for _, r := range name {
		if unicode.Is(unicode.Han, r) {
			han = true
			break
		}
	}
	if han && utf8.RuneCountInString(name) > MaxChineseName {
		return Errorf(EINVALID, "%s is longer than %d characters", field, MaxChineseName)
	}
	if len(name) > MaxForeignName {
		return Errorf(EINVALID, "%s is longer than %d bytes", field, MaxForeignName)
	}
	return nil
}

// CheckPhone checks a phone number: empty, a mobile number (1[3-9] and nine digits) or a
// landline number with its area code (0XX-XXXXXXXX, the hyphen optional).
func CheckPhone(field, phone string) error {
	if phone == "" || mobilePhone.MatchString(phone) || landlinePhone.MatchString(phone) {
		return nil
	}
	return Errorf(EINVALID, "%s is not a mobile (1XXXXXXXXXX) or landline (0XXX-XXXXXXX) number", field)
}

// CheckText checks free text (a summary, a note): at most max characters, no control characters
// but line breaks and tabs.
func CheckText(field, text string, max int) error {
	if !utf8.ValidString(text) || hasControl(text, "\n\r\t") {
		return Errorf(EINVALID, "%s holds characters that are not allowed", field)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return Errorf(EINVALID, "%s is longer than %d characters", field, max)
	}
	return nil
}

// CheckLine checks a one-line field: at most max characters, no control characters at all.
func CheckLine(field, text string, max int) error {
	if !utf8.ValidString(text) || hasControl(text, "") {
		return Errorf(EINVALID, "%s holds characters that are not allowed", field)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return Errorf(EINVALID, "%s is longer than %d characters", field, max)
	}
	return nil
}

// Check checks what a visitor typed or the card gave: name and phone.
func (v Visitor) Check() error {
	if err := CheckName("visitor name", v.Name); err != nil {
		return err
	}
	return CheckPhone("visitor phone", v.Phone)
}

// Check checks the free text of a case change.
func (c CaseChange) Check() error {
	if err := CheckText("summary", c.Summary, MaxText); err != nil {
		return err
	}
	if err := CheckText("note", c.Note, MaxText); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"unit", c.Unit}, {"level", c.Level}, {"handling", c.Handling},
		{"department", c.Department}, {"category", c.Category}, {"follow_up_on", c.FollowUpOn}} {
		if err := CheckLine(f.name, f.v, MaxShortText); err != nil {
			return err
		}
	}
	return nil
}
