package idcard

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"fengqiao/app"
)

// TextSize is the size of the text block of a card: 128 UCS-2 little-endian characters.
const TextSize = 256

// CardType tells which document lies on the reader.
type CardType uint8

// The card types the reader returns.
const (
	CardResident        CardType = iota // 居民身份证
	CardResidencePermit                 // 港澳台居民居住证 (marker J)
	CardForeignerOld                    // 外国人永久居留身份证, old layout (marker I)
	CardForeigner                       // 外国人永久居留身份证, 2023 layout (marker Y)
	cardTypeCount
)

var cardTypeText = [cardTypeCount]struct{ name, label string }{
	CardResident:        {"resident", "居民身份证"},
	CardResidencePermit: {"residence_permit", "港澳台居民居住证"},
	CardForeignerOld:    {"foreigner_old", "外国人永久居留身份证"},
	CardForeigner:       {"foreigner", "外国人永久居留身份证（2023年版）"},
}

// String returns a stable English name: resident, residence_permit, foreigner_old, foreigner.
func (t CardType) String() string {
	if t < cardTypeCount {
		return cardTypeText[t].name
	}
	return fmt.Sprintf("CardType(%d)", uint8(t))
}

// Label returns the Chinese name of the document.
func (t CardType) Label() string {
	if t < cardTypeCount {
		return cardTypeText[t].label
	}
	return "未知证件"
}

// parseCardType accepts a Label or a String.
func parseCardType(s string) (CardType, bool) {
	for t := range cardTypeCount {
		if s == cardTypeText[t].name || s == cardTypeText[t].label {
			return t, true
		}
	}
	return 0, false
}

// Gender is the gender code of the card: '0' unknown, '1' male, '2' female, '9' unstated.
type Gender byte

// The gender codes.
const (
	GenderUnknown  Gender = '0'
	GenderMale     Gender = '1'
	GenderFemale   Gender = '2'
	GenderUnstated Gender = '9'
)

// String returns 男, 女, 未知 or 未说明.
func (g Gender) String() string {
	switch g {
	case GenderMale:
		return "男"
	case GenderFemale:
		return "女"
	case GenderUnstated:
		return "未说明"
	}
	return "未知"
}

func parseGender(s string) (Gender, bool) {
	for _, g := range []Gender{GenderUnknown, GenderMale, GenderFemale, GenderUnstated} {
		if s == g.String() || s == string(rune(g)) {
			return g, true
		}
	}
	return 0, false
}

// Identity is the content of a card. Dates are midnight UTC of the printed day.
//
// Identity holds personal data: String, GoString, LogValue and MarshalJSON print it masked.
// Use Record for the full values.
type Identity struct {
	Type        CardType
	Name        string    // Chinese name (for old foreigners' cards: the Chinese name, may be empty)
	EnglishName string    // foreigners' cards only
	Gender      Gender    // gender code
	Nation      Nation    // resident ID cards only
	Birth       time.Time // date of birth
	Address     string    // resident ID cards and residence permits
	Number      string    // ID number, or the card number of a foreigner's card
	Authority   string    // issuing authority (for 2023 foreigners' cards: unconfirmed field at offset 158)
	ValidFrom   time.Time // first day of validity
	ValidTo     time.Time // last day of validity; zero means long-term (长期)

	PassNumber    string // residence permits: number of the 通行证
	IssueCount    int    // residence permits: how many times issued
	Nationality   string // foreigners' cards: ISO 3166 alpha-3 code
	RenewalCount  int    // 2023 foreigners' cards: how many times renewed
	CardVersion   string // old foreigners' cards
	AuthorityCode string // old foreigners' cards: code of the accepting authority
	PreviousLink  string // 2023 foreigners' cards: link to the old card number

	Photo       []byte // compressed WLT image, opaque
	Fingerprint []byte // fingerprint data when read with CmdReadFingerprint, opaque
}

// LongTerm reports whether the card never expires (有效期限 长期).
func (id Identity) LongTerm() bool { return id.ValidTo.IsZero() }

// DisplayName returns the Chinese name, or the English name if there is none.
func (id Identity) DisplayName() string {
	if id.Name != "" {
		return id.Name
	}
	return id.EnglishName
}

// String returns the card type with the masked name and number, e.g.
// "居民身份证 王*明 330681********1234".
func (id Identity) String() string {
	return fmt.Sprintf("%s %s %s", id.Type.Label(), app.MaskName(id.DisplayName()), app.MaskIDNumber(id.Number))
}

// GoString masks like String, so %#v reveals nothing either.
func (id Identity) GoString() string { return "idcard.Identity{" + id.String() + "}" }

// LogValue masks personal data for log/slog.
func (id Identity) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", id.Type.String()),
		slog.String("name", app.MaskName(id.DisplayName())),
		slog.String("number", app.MaskIDNumber(id.Number)),
	)
}

// MarshalJSON writes the masked form. Marshal Record for the full values.
func (id Identity) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"card_type": id.Type.Label(),
		"name":      app.MaskName(id.DisplayName()),
		"id_number": app.MaskIDNumber(id.Number),
	})
}

// Field names of the text block, used in layouts and in FieldError.
const (
	fieldName          = "name"
	fieldEnglishName   = "english_name"
	fieldEnglishName2  = "english_name_2"
	fieldGender        = "gender"
	fieldNation        = "nation"
	fieldBirth         = "birth"
	fieldAddress       = "address"
	fieldNumber        = "id_number"
	fieldAuthority     = "authority"
	fieldValidFrom     = "valid_from"
	fieldValidTo       = "valid_to"
	fieldPassNumber    = "pass_number"
	fieldIssueCount    = "issue_count"
	fieldNationality   = "nationality"
	fieldRenewalCount  = "renewal_count"
	fieldCardVersion   = "card_version"
	fieldAuthorityCode = "authority_code"
	fieldPreviousLink  = "previous_link"
	fieldMarker        = "marker"
)

// slot is one field of a text block layout: byte offset and size.
type slot struct {
	name      string
	off, size int
}

// markerOffset holds the card type marker (J, I, Y) in UCS-2.
const markerOffset = 248

var layouts = [cardTypeCount][]slot{
	CardResident: {
		{fieldName, 0, 30}, {fieldGender, 30, 2}, {fieldNation, 32, 4}, {fieldBirth, 36, 16},
		{fieldAddress, 52, 70}, {fieldNumber, 122, 36}, {fieldAuthority, 158, 30},
		{fieldValidFrom, 188, 16}, {fieldValidTo, 204, 16},
	},
	CardResidencePermit: {
		{fieldName, 0, 30}, {fieldGender, 30, 2}, {fieldBirth, 36, 16},
		{fieldAddress, 52, 70}, {fieldNumber, 122, 36}, {fieldAuthority, 158, 30},
		{fieldValidFrom, 188, 16}, {fieldValidTo, 204, 16},
		{fieldPassNumber, 220, 18}, {fieldIssueCount, 238, 4}, {fieldMarker, markerOffset, 2},
	},
	CardForeignerOld: {
		{fieldEnglishName, 0, 120}, {fieldGender, 120, 2}, {fieldNumber, 122, 30},
		{fieldNationality, 152, 6}, {fieldName, 158, 30}, {fieldValidFrom, 188, 16},
		{fieldValidTo, 204, 16}, {fieldBirth, 220, 16}, {fieldCardVersion, 236, 4},
		{fieldAuthorityCode, 240, 8}, {fieldMarker, markerOffset, 2},
	},
	CardForeigner: {
		{fieldName, 0, 30}, {fieldGender, 30, 2}, {fieldRenewalCount, 32, 4}, {fieldBirth, 36, 16},
		{fieldEnglishName, 52, 70}, {fieldNumber, 122, 36}, {fieldAuthority, 158, 30},
		{fieldValidFrom, 188, 16}, {fieldValidTo, 204, 16}, {fieldEnglishName2, 220, 22},
		{fieldNationality, 242, 6}, {fieldMarker, markerOffset, 2}, {fieldPreviousLink, 250, 6},
	},
}

var markers = [cardTypeCount]string{CardResidencePermit: "J", CardForeignerOld: "I", CardForeigner: "Y"}

// longTerm is how a card without expiry prints its valid-to date.
const longTerm = "长期"

// dateLayout is the YYYYMMDD form of dates in the text block.
const dateLayout = "20060102"

// ErrField is matched by every *FieldError.
var ErrField = errors.New("idcard: malformed field")

// FieldError reports a field of the text block that cannot be decoded or encoded. It never
// contains the field's value.
type FieldError struct {
	Field  string // the field's name, e.g. "birth"
	Reason string // what is wrong, in English
}

// Error implements error.
func (e *FieldError) Error() string { return fmt.Sprintf("idcard: field %s: %s", e.Field, e.Reason) }

// Is makes errors.Is(err, ErrField) true.
func (e *FieldError) Is(target error) bool { return target == ErrField }

// DecodeText decodes the 256-byte text block of a card. The photo and fingerprint are left
// empty. It checks the form of each field, not the ID number's check digit nor the validity
// period: see Identity.Check.
func DecodeText(block []byte) (Identity, error) {
	if len(block) != TextSize {
		return Identity{}, fmt.Errorf("decode text: %w", &FieldError{Field: "text", Reason: fmt.Sprintf("%d bytes, want %d", len(block), TextSize)})
	}
	var id Identity
	switch block[markerOffset] {
	case 'J':
		id.Type = CardResidencePermit
	case 'I':
		id.Type = CardForeignerOld
	case 'Y':
		id.Type = CardForeigner
	default:
		id.Type = CardResident
	}
	raw := map[string]string{}
	for _, s := range layouts[id.Type] {
		raw[s.name] = decodeUCS2(block[s.off : s.off+s.size])
	}
	v := func(name string) string { return strings.TrimSpace(raw[name]) }
	var err error
	fail := func(field, reason string) {
		if err == nil {
			err = fmt.Errorf("decode text: %w", &FieldError{Field: field, Reason: reason})
		}
	}
	date := func(field string) time.Time {
		t, e := time.Parse(dateLayout, v(field))
		if e != nil {
			fail(field, "not a YYYYMMDD date")
		}
		return t
	}
	count := func(field string) int {
		s := v(field)
		if s == "" {
			return 0
		}
		n, e := strconv.Atoi(s)
		if e != nil || n < 0 {
			fail(field, "not a number")
		}
		return n
	}

	id.Name = v(fieldName)
	id.EnglishName = strings.TrimSpace(raw[fieldEnglishName] + raw[fieldEnglishName2])
	if g, ok := parseGender(v(fieldGender)); ok {
		id.Gender = g
	} else {
		fail(fieldGender, "unknown gender code")
	}
	if id.Type == CardResident {
		n, e := strconv.Atoi(v(fieldNation))
		if id.Nation = Nation(n); e != nil || n < 0 || n > 255 || !id.Nation.Valid() {
			id.Nation = 0
			fail(fieldNation, "unknown nation code")
		}
	}
	id.Birth = date(fieldBirth)
	id.Address = v(fieldAddress)
	id.Number = v(fieldNumber)
	if id.Number == "" {
		fail(fieldNumber, "empty")
	}
	id.Authority = v(fieldAuthority)
	id.ValidFrom = date(fieldValidFrom)
	if v(fieldValidTo) != longTerm {
		id.ValidTo = date(fieldValidTo)
	}
	id.PassNumber = v(fieldPassNumber)
	id.IssueCount = count(fieldIssueCount)
	id.Nationality = v(fieldNationality)
	id.RenewalCount = count(fieldRenewalCount)
	id.CardVersion = v(fieldCardVersion)
	id.AuthorityCode = v(fieldAuthorityCode)
	id.PreviousLink = v(fieldPreviousLink)
	if err != nil {
		return Identity{}, err
	}
	return id, nil
}

// EncodeText builds the 256-byte text block of id, as a card would hold it. Simulators and
// tests use it.
func EncodeText(id Identity) ([]byte, error) {
	if id.Type >= cardTypeCount {
		return nil, fmt.Errorf("encode text: unknown card type %d", id.Type)
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(dateLayout)
	}
	count := func(n, digits int) string { return fmt.Sprintf("%0*d", digits, n) }
	vals := map[string]string{
		fieldName:          id.Name,
		fieldGender:        string(rune(id.Gender)),
		fieldNation:        id.Nation.Code(),
		fieldBirth:         date(id.Birth),
		fieldAddress:       id.Address,
		fieldNumber:        id.Number,
		fieldAuthority:     id.Authority,
		fieldValidFrom:     date(id.ValidFrom),
		fieldValidTo:       date(id.ValidTo),
		fieldPassNumber:    id.PassNumber,
		fieldIssueCount:    count(id.IssueCount, 2),
		fieldNationality:   id.Nationality,
		fieldRenewalCount:  count(id.RenewalCount, 2),
		fieldCardVersion:   id.CardVersion,
		fieldAuthorityCode: id.AuthorityCode,
		fieldPreviousLink:  id.PreviousLink,
		fieldMarker:        markers[id.Type],
		fieldEnglishName:   id.EnglishName,
	}
	if id.Gender == 0 {
		vals[fieldGender] = string(rune(GenderUnknown))
	}
	if id.ValidTo.IsZero() {
		vals[fieldValidTo] = longTerm
	}
	if id.Type == CardForeigner { // the English name continues at offset 220
		u := utf16.Encode([]rune(id.EnglishName))
		if first := 70 / 2; len(u) > first {
			vals[fieldEnglishName] = string(utf16.Decode(u[:first]))
			vals[fieldEnglishName2] = string(utf16.Decode(u[first:]))
		}
	}
	block := make([]byte, TextSize)
	for i := 0; i < TextSize; i += 2 {
		block[i] = ' '
	}
	for _, s := range layouts[id.Type] {
		u := utf16.Encode([]rune(vals[s.name]))
		if len(u)*2 > s.size {
			return nil, fmt.Errorf("encode text: %w", &FieldError{Field: s.name, Reason: fmt.Sprintf("longer than %d characters", s.size/2)})
		}
		for i, c := range u {
			binary.LittleEndian.PutUint16(block[s.off+2*i:], c)
		}
	}
	return block, nil
}

// decodeUCS2 decodes UCS-2 little-endian text, turning NULs into spaces.
func decodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if u[i] = binary.LittleEndian.Uint16(b[2*i:]); u[i] == 0 {
			u[i] = ' '
		}
	}
	return string(utf16.Decode(u))
}

// Errors returned by Identity.Check, wrapped; test with errors.Is.
var (
	// ErrIDNumber means the ID or card number is malformed or its check digit is wrong. The
	// error also wraps the app package's reason (app.ErrIDCheckDigit, …) where there is one.
	ErrIDNumber = errors.New("idcard: invalid id number")
	// ErrInconsistent means the ID number disagrees with the birth date or gender on the card.
	ErrInconsistent = errors.New("idcard: id number disagrees with the card")
	// ErrExpired means the card's validity period has ended.
	ErrExpired = errors.New("idcard: card expired")
	// ErrNotYetValid means the card's validity period has not begun.
	ErrNotYetValid = errors.New("idcard: card not yet valid")
)

// Check verifies the card on day now (taken in now's own location, which should be the hall's
// time zone): the ID number's check digit (GB 11643, also used by residence permits and 2023
// foreigners' cards), its agreement with the birth date and gender, and the validity period
// (a card is valid through its valid-to day).
func (id Identity) Check(now time.Time) error {
	if err := id.checkNumber(); err != nil {
		return fmt.Errorf("check card: %w", err)
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch {
	case !id.ValidTo.IsZero() && today.After(id.ValidTo):
		return fmt.Errorf("check card: %w", ErrExpired)
	case today.Before(id.ValidFrom):
		return fmt.Errorf("check card: %w", ErrNotYetValid)
	}
	return nil
}

func (id Identity) checkNumber() error {
	if id.Type == CardForeignerOld {
		// Three letters and twelve digits; no check digit.
		if len(id.Number) != 15 || strings.ContainsFunc(id.Number, func(r rune) bool {
			return (r < 'A' || r > 'Z') && (r < '0' || r > '9')
		}) {
			return fmt.Errorf("%w: card number must be 15 letters and digits", ErrIDNumber)
		}
		return nil
	}
	n, err := app.ParseIDNumber(id.Number)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrIDNumber, err)
	}
	if !n.Birth.Equal(id.Birth) {
		return fmt.Errorf("%w: birth date", ErrInconsistent)
	}
	if id.Type == CardForeigner {
		return nil // the sequence digit of 2023 cards is not known to encode gender
	}
	if (id.Gender == GenderMale && n.Female) || (id.Gender == GenderFemale && !n.Female) {
		return fmt.Errorf("%w: gender", ErrInconsistent)
	}
	return nil
}
