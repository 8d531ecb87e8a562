// Package textwrap breaks Chinese (and mixed) text into lines of a given width by the rules of
// Chinese typesetting (禁则): no closing punctuation at a line's start, no opening punctuation at a
// line's end, no single character left alone on the last line, and Latin words and numbers kept
// whole. Fyne's own word wrapping breaks only at spaces and knows none of this.
package textwrap

import (
	"strings"
	"unicode"
)

// noStart are the characters that may not begin a line.
const noStart = "，。、；：？！）」』》〉】…—·%,.;:?!)]}”’"

// noEnd are the characters that may not end a line.
const noEnd = "（「『《〈【“‘([{"

// Lines breaks s into lines no wider than width, as measure measures a string. A line break in s
// ("\n") always breaks. A piece wider than width on its own (a long number) gets a line of its own.
func Lines(s string, width float32, measure func(string) float32) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrap(para, width, measure)...)
	}
	return out
}

// units splits a paragraph into the pieces a line may not break inside: one CJK character with
// the punctuation that must stay with it, or a run of Latin letters and digits.
func units(s string) []string {
	var us []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		// Opening punctuation sticks to what follows it.
		for strings.ContainsRune(noEnd, rs[j-1]) && j < len(rs) {
			j++
			if isWordRune(rs[j-1]) {
				for j < len(rs) && isWordRune(rs[j]) {
					j++
				}
			}
		}
		// Closing punctuation sticks to what precedes it.
		for j < len(rs) && strings.ContainsRune(noStart, rs[j]) {
			j++
		}
		us = append(us, string(rs[i:j]))
		i = j
	}
	return us
}

func isWordRune(r rune) bool {
	return r < 0x2e80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '/' || r == '@')
}

func wrap(s string, width float32, measure func(string) float32) []string {
	if s == "" {
		return []string{""}
	}
	us := units(s)
	var lines [][]string
	var cur []string
	for _, u := range us {
		if len(cur) > 0 && measure(strings.Join(cur, "")+u) > width {
			lines = append(lines, cur)
			cur = nil
			u = strings.TrimLeft(u, " ")
			if u == "" {
				continue
			}
		}
		cur = append(cur, u)
	}
	lines = append(lines, cur)
	// No orphan: a last line of one character takes one unit more from the line before it.
	if n := len(lines); n > 1 && letters(strings.Join(lines[n-1], "")) == 1 && len(lines[n-2]) > 1 {
		prev := lines[n-2]
		lines[n-1] = append([]string{prev[len(prev)-1]}, lines[n-1]...)
		lines[n-2] = prev[:len(prev)-1]
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(strings.Join(l, ""), " ")
	}
	return out
}

// letters counts the characters of s that are not punctuation or spaces.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) && !strings.ContainsRune(noStart+noEnd, r) {
			n++
		}
	}
	return n
}
