package app

import (
	"bytes"
	"slices"
	"strings"
)

// Limits of a grid dispute.
const (
	MaxDisputeKey     = 100 // bytes of an idempotency key
	MaxDisputeParties = 200 // parties of one dispute (a 群体性 dispute lists many)
)

// Valid checks a dispute as the centre stores it: a key, a grid, a service, a summary, a risk
// grade, one to MaxDisputeParties parties each with a name, and at most one JPEG photo of at most
// MaxDisputePhoto bytes. The error names the field, never the value.
func (d GridDispute) Valid() error {
	switch {
	case strings.TrimSpace(d.Key) == "" || len(d.Key) > MaxDisputeKey:
		return Errorf(EINVALID, "a dispute needs an idempotency key of 1 to %d bytes", MaxDisputeKey)
	case d.Grid <= 0:
		return Errorf(EINVALID, "a dispute needs its grid")
	case strings.TrimSpace(d.Service) == "":
		return Errorf(EINVALID, "a dispute needs its service")
	case strings.TrimSpace(d.Summary) == "":
		return Errorf(EINVALID, "a dispute needs a summary")
	case !slices.Contains(Risks, d.Risk):
		return Errorf(EINVALID, "a dispute's risk is general, higher or major")
	case len(d.Parties) == 0 || len(d.Parties) > MaxDisputeParties:
		return Errorf(EINVALID, "a dispute names 1 to %d parties", MaxDisputeParties)
	case len(d.Photo) > MaxDisputePhoto:
		return Errorf(EINVALID, "the photo is larger than %d bytes", MaxDisputePhoto)
	case len(d.Photo) > 0 && !bytes.HasPrefix(d.Photo, []byte{0xFF, 0xD8, 0xFF}):
		return Errorf(EINVALID, "the photo is not a JPEG")
	}
	for _, f := range []struct{ name, v string }{{"key", d.Key}, {"service", d.Service}, {"category", d.Category},
		{"place", d.Place}} {
		if err := CheckLine(f.name, f.v, MaxShortText); err != nil {
			return err
		}
	}
	if err := CheckText("summary", d.Summary, MaxText); err != nil {
		return err
	}
	for _, p := range d.Parties {
		if strings.TrimSpace(p.Name) == "" {
			return Errorf(EINVALID, "every party needs a name")
		}
		if err := p.Check(); err != nil {
			return err
		}
		if p.IDNumber != "" {
			if _, err := ParseIDNumber(p.IDNumber); err != nil {
				return Errorf(EINVALID, "a party's ID number is not valid")
			}
		}
	}
	return nil
}
