package app

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// IDNumber is a parsed 18-character citizen identity number (GB 11643): region code, birth date,
// sequence and check character. The zero value is not a valid number.
type IDNumber struct {
	// Raw is the normalised number: 18 characters, the last one a digit or an upper-case X.
	Raw    string
	Region string    // the first six digits: administrative division code
	Birth  time.Time // date of birth, midnight UTC
	Female bool      // the 17th digit is even for women
}

// Errors returned by ParseIDNumber. They are safe to show in logs: they never contain the number.
var (
	ErrIDLength     = errors.New("id number must have 18 characters")
	ErrIDCharacters = errors.New("id number must be 17 digits followed by a digit or X")
	ErrIDBirthDate  = errors.New("id number holds no valid birth date")
	ErrIDCheckDigit = errors.New("id number check digit does not match")
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar computes the check character of the first 17 digits of an identity number
// (ISO 7064 MOD 11-2). It returns 0 if the input is not 17 digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseIDNumber validates s as an 18-character identity number and extracts its birth date and sex.
// Leading and trailing space is ignored and a lower-case x is accepted.
func ParseIDNumber(s string) (IDNumber, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return IDNumber{}, ErrIDLength
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return IDNumber{}, ErrIDCharacters
		}
	}
	if last := s[17]; (last < '0' || last > '9') && last != 'X' {
		return IDNumber{}, ErrIDCharacters
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1880 {
		return IDNumber{}, ErrIDBirthDate
	}
	if IDCheckChar(s[:17]) != s[17] {
		return IDNumber{}, ErrIDCheckDigit
	}
	return IDNumber{
		Raw:    s,
		Region: s[:6],
		Birth:  birth,
		Female: (s[16]-'0')%2 == 0,
	}, nil
}

// AgeOn returns the holder's age in whole years on the given day.
func (n IDNumber) AgeOn(day time.Time) int {
	y, m, d := day.Date()
	age := y - n.Birth.Year()
	if m < n.Birth.Month() || (m == n.Birth.Month() && d < n.Birth.Day()) {
		age--
	}
	return age
}

// String returns the masked number, so that an IDNumber printed by mistake reveals nothing.
func (n IDNumber) String() string { return MaskIDNumber(n.Raw) }

// GoString masks the number too, for %#v.
func (n IDNumber) GoString() string { return fmt.Sprintf("app.IDNumber{%s}", MaskIDNumber(n.Raw)) }
