package app

import "strings"

// MaskIDNumber keeps the first six and the last four characters of an identity number
// (330681********1234). Shorter input is masked whole except its last character.
func MaskIDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 15:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	default:
		return strings.Repeat("*", len(r)-1) + string(r[len(r)-1:])
	}
}

// MaskName masks a person's name: 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜.
// Latin names keep their first and last letter.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
}

// MaskPhone keeps the first three and last four digits of a mobile number (138****5678).
func MaskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskAddress keeps the first six characters of an address (usually province and county) and hides the rest.
func MaskAddress(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 6 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + "****"
}
