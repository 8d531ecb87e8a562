package app

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseIDNumber checks ParseIDNumber on any text (corpus: testdata/fuzz/FuzzParseIDNumber).
// A number it accepts re-formats to the input (up to case and surrounding space), parses again to
// the same value, agrees with its own parts and masks its birth date; any one digit of it changed
// is refused (the check digit catches every single substitution). A number it refuses gets one of
// the four errors, ErrIDLength exactly when it is not 18 characters long.
func FuzzParseIDNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, pos, digit uint8) {
		n, err := ParseIDNumber(s)
		trimmed := strings.TrimSpace(s)
		if err != nil {
			if !errors.Is(err, ErrIDLength) && !errors.Is(err, ErrIDCharacters) && !errors.Is(err, ErrIDBirthDate) && !errors.Is(err, ErrIDCheckDigit) {
				t.Fatalf("ParseIDNumber(%q): unexpected error %v", s, err)
			}
			if (len(strings.ToUpper(trimmed)) != 18) != errors.Is(err, ErrIDLength) {
				t.Fatalf("ParseIDNumber(%q): %v for %d bytes", s, err, len(strings.ToUpper(trimmed)))
			}
			return
		}
		if len(n.Raw) != 18 || !strings.EqualFold(n.Raw, trimmed) || n.Raw != strings.ToUpper(n.Raw) {
			t.Fatalf("ParseIDNumber(%q).Raw = %q, want the input in upper case", s, n.Raw)
		}
		again, err := ParseIDNumber(n.Raw)
		if err != nil || again != n {
			t.Fatalf("ParseIDNumber(%q) = %+v, %v; first parse %+v", n.Raw, again, err, n)
		}
		if n.Region != n.Raw[:6] || n.Birth.Format("20060102") != n.Raw[6:14] || IDCheckChar(n.Raw[:17]) != n.Raw[17] ||
			n.Female != ((n.Raw[16]-'0')%2 == 0) {
			t.Fatalf("ParseIDNumber(%q) = %+v: the parts disagree with the number", s, n)
		}
		if masked := n.String(); masked != n.Raw[:6]+"********"+n.Raw[14:] {
			t.Fatalf("%q masks to %q", n.Raw, masked)
		}
		i, d := int(pos)%17, '0'+digit%10
		if n.Raw[i] == d {
			return
		}
		changed := n.Raw[:i] + string(rune(d)) + n.Raw[i+1:]
		if _, err := ParseIDNumber(changed); err == nil {
			t.Fatalf("%q with digit %d changed to %q parses", n.Raw, i+1, changed)
		}
	})
}

// FuzzParseCaseCode checks ParseCaseCode on any text (corpus: testdata/fuzz/FuzzParseCaseCode).
// A code it accepts comes out canonical (four groups of four Crockford symbols and one of four,
// joined by hyphens), which parses to itself, also in lower case, without hyphens and inside a
// tracking URL; any one symbol of it changed is refused (the Luhn mod 32 check symbol catches
// every single substitution). A code it refuses is EINVALID.
func FuzzParseCaseCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, pos, sym uint8) {
		c, err := ParseCaseCode(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseCaseCode(%q): %v, want an %s error", s, err, EINVALID)
			}
			return
		}
		groups := strings.Split(c, "-")
		if len(c) != 24 || len(groups) != 5 {
			t.Fatalf("ParseCaseCode(%q) = %q, not in five groups of four", s, c)
		}
		for _, g := range groups {
			if len(g) != 4 || strings.Trim(g, crockford) != "" {
				t.Fatalf("ParseCaseCode(%q) = %q: group %q is not four Crockford symbols", s, c, g)
			}
		}
		for _, form := range []string{c, strings.ToLower(c), strings.ReplaceAll(c, "-", ""), "https://hall.example/t/" + c} {
			if again, err := ParseCaseCode(form); err != nil || again != c {
				t.Fatalf("ParseCaseCode(%q) = %q, %v; want %q", form, again, err, c)
			}
		}
		plain := []byte(strings.ReplaceAll(c, "-", ""))
		i, x := int(pos)%len(plain), crockford[sym%32]
		if plain[i] == x {
			return
		}
		plain[i] = x
		if got, err := ParseCaseCode(string(plain)); err == nil {
			t.Fatalf("%q with symbol %d changed parses as %q", c, i+1, got)
		}
	})
}
