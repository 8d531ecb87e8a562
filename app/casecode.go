package app

import (
	"crypto/rand"
	"strings"
)

// Case codes (一案一码) identify a case on receipts, QR codes and the tracking page. A code is 19
// random Crockford base32 symbols (95 bits) and one check symbol (Luhn mod 32), written in groups
// of four: 7KQ2-M9XP-4HVT-W3RA-5C2D. It holds no personal data and cannot be guessed.
//
// Halls and the centre mint codes apart, so the two never collide: a code the centre mints (a
// dispute a 网格员 registered, NewCentreCaseCode) starts with CentreCodePrefix, and a hall's code
// (NewCaseCode) never does. The centre's own codes are unique among themselves by the primary key
// of its cases table. (Halls of versions before the split may have minted a Z code; the centre
// refuses a case code it holds already, so such a clash, one in 2^90, fails loudly, not silently.)
const (
	caseCodeRandom = 19
	caseCodeLen    = caseCodeRandom + 1
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// crockfordValue maps a symbol to its value, reading I and L as 1 and O as 0 as Crockford's
// alphabet prescribes; -1 for anything else.
func crockfordValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		c -= 'a' - 'A'
	}
	switch c {
	case 'O':
		return 0
	case 'I', 'L':
		return 1
	case 'U':
		return -1
	}
	if i := strings.IndexByte(crockford, c); i >= 0 {
		return i
	}
	return -1
}

// luhn32 returns the Luhn mod 32 check value of the symbol values.
func luhn32(vals []int) int {
	factor, sum := 2, 0
	for i := len(vals) - 1; i >= 0; i-- {
		addend := factor * vals[i]
		addend = addend/32 + addend%32
		sum += addend
		if factor == 2 {
			factor = 1
		} else {
			factor = 2
		}
	}
	return (32 - sum%32) % 32
}

// CentreCodePrefix is the first symbol of every case code the centre mints; no hall mints one.
const CentreCodePrefix = 'Z'

// NewCaseCode returns a fresh random case code in its canonical grouped form, as a hall mints it:
// its first symbol is any but CentreCodePrefix.
func NewCaseCode() string {
	vals := randomSymbols()
	for vals[0] == crockfordValue(CentreCodePrefix) {
		vals[0] = randomSymbols()[0] // uniform over the other 31 symbols
	}
	return formatCaseCode(append(vals, luhn32(vals)))
}

// NewCentreCaseCode returns a fresh random case code as the centre mints it: CentreCodePrefix and
// 18 random symbols (90 bits).
func NewCentreCaseCode() string {
	vals := randomSymbols()
	vals[0] = crockfordValue(CentreCodePrefix)
	return formatCaseCode(append(vals, luhn32(vals)))
}

// randomSymbols returns caseCodeRandom random symbol values.
func randomSymbols() []int {
	var b [caseCodeRandom]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	vals := make([]int, caseCodeRandom)
	for i, x := range b {
		vals[i] = int(x) % 32 // 256 is a multiple of 32: uniform
	}
	return vals
}

func formatCaseCode(vals []int) string {
	var sb strings.Builder
	for i, v := range vals {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(crockford[v])
	}
	return sb.String()
}

// ParseCaseCode reads a case code as a person or a scanner may give it — any case, with or
// without hyphens or spaces, O for 0 and I or L for 1 — checks its check symbol and returns the
// canonical form. It also accepts a tracking URL ending in /t/<code>.
func ParseCaseCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/t/"); i >= 0 {
		s = s[i+3:]
	}
	vals := make([]int, 0, caseCodeLen)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == ' ' {
			continue
		}
		v := crockfordValue(c)
		if v < 0 || len(vals) == caseCodeLen {
			return "", Errorf(EINVALID, "not a case code")
		}
		vals = append(vals, v)
	}
	if len(vals) != caseCodeLen {
		return "", Errorf(EINVALID, "not a case code")
	}
	if luhn32(vals[:caseCodeRandom]) != vals[caseCodeRandom] {
		return "", Errorf(EINVALID, "case code check symbol does not match")
	}
	return formatCaseCode(vals), nil
}
