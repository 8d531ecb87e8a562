package idcard

import (
	"fmt"
	"time"
)

// Record is the full content of a card as plain strings, for JSON: the output of
// "fengqiao idcard read --json" and the card files of the simulator. Dates are YYYY-MM-DD;
// valid_to is 长期 for a card that never expires. It holds personal data: handle with care.
type Record struct {
	Name      string `json:"name"`
	Gender    string `json:"gender"`     // 男, 女, 未知, 未说明
	Nation    string `json:"nation"`     // 汉, 蒙古, …; empty on permits and foreigners' cards
	Birth     string `json:"birth"`      // YYYY-MM-DD
	Address   string `json:"address"`    // empty on foreigners' cards
	IDNumber  string `json:"id_number"`  // ID number or card number
	Authority string `json:"authority"`  // issuing authority
	ValidFrom string `json:"valid_from"` // YYYY-MM-DD
	ValidTo   string `json:"valid_to"`   // YYYY-MM-DD or 长期
	CardType  string `json:"card_type"`  // CardType.Label (CardType.String is accepted on input)

	EnglishName   string `json:"english_name,omitempty"`
	Nationality   string `json:"nationality,omitempty"`
	PassNumber    string `json:"pass_number,omitempty"`
	IssueCount    int    `json:"issue_count,omitempty"`
	RenewalCount  int    `json:"renewal_count,omitempty"`
	CardVersion   string `json:"card_version,omitempty"`
	AuthorityCode string `json:"authority_code,omitempty"`
	PreviousLink  string `json:"previous_link,omitempty"`
}

const recordDate = time.DateOnly

// Record returns every field of the card in full. The photo is left out.
func (id Identity) Record() Record {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(recordDate)
	}
	r := Record{
		Name:          id.Name,
		Gender:        id.Gender.String(),
		Nation:        id.Nation.String(),
		Birth:         date(id.Birth),
		Address:       id.Address,
		IDNumber:      id.Number,
		Authority:     id.Authority,
		ValidFrom:     date(id.ValidFrom),
		ValidTo:       date(id.ValidTo),
		CardType:      id.Type.Label(),
		EnglishName:   id.EnglishName,
		Nationality:   id.Nationality,
		PassNumber:    id.PassNumber,
		IssueCount:    id.IssueCount,
		RenewalCount:  id.RenewalCount,
		CardVersion:   id.CardVersion,
		AuthorityCode: id.AuthorityCode,
		PreviousLink:  id.PreviousLink,
	}
	if id.ValidTo.IsZero() {
		r.ValidTo = longTerm
	}
	return r
}

// Identity converts a record back, checking the form of its fields (not the check digit).
// An empty card_type means a resident ID card.
func (r Record) Identity() (Identity, error) {
	id := Identity{
		Name: r.Name, EnglishName: r.EnglishName, Address: r.Address, Number: r.IDNumber,
		Authority: r.Authority, PassNumber: r.PassNumber, IssueCount: r.IssueCount,
		Nationality: r.Nationality, RenewalCount: r.RenewalCount, CardVersion: r.CardVersion,
		AuthorityCode: r.AuthorityCode, PreviousLink: r.PreviousLink,
	}
	var ok bool
	if r.CardType != "" {
		if id.Type, ok = parseCardType(r.CardType); !ok {
			return Identity{}, fmt.Errorf("card record: %w", &FieldError{Field: "card_type", Reason: "unknown card type"})
		}
	}
	if id.Gender, ok = parseGender(r.Gender); !ok {
		return Identity{}, fmt.Errorf("card record: %w", &FieldError{Field: fieldGender, Reason: "unknown gender"})
	}
	if r.Nation != "" {
		if id.Nation, ok = NationByName(r.Nation); !ok {
			return Identity{}, fmt.Errorf("card record: %w", &FieldError{Field: fieldNation, Reason: "unknown nation"})
		}
	}
	for _, d := range []struct {
		field string
		val   string
		dst   *time.Time
	}{
		{fieldBirth, r.Birth, &id.Birth},
		{fieldValidFrom, r.ValidFrom, &id.ValidFrom},
		{fieldValidTo, r.ValidTo, &id.ValidTo},
	} {
		if d.field == fieldValidTo && (d.val == longTerm || d.val == "") {
			continue
		}
		t, err := time.Parse(recordDate, d.val)
		if err != nil {
			return Identity{}, fmt.Errorf("card record: %w", &FieldError{Field: d.field, Reason: "not a YYYY-MM-DD date"})
		}
		*d.dst = t
	}
	return id, nil
}
