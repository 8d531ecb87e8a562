package printing

import "strings"

// noLineStart holds the punctuation that Chinese typesetting (GB/T 15834, and the 行首禁则 of
// every CJK press) never lets start a line: closing brackets and quotes and the pause and stop
// marks, in full and half width.
const noLineStart = "，。、；：？！）」』】》〉〕］｝’”…—·" + ",.;:?!)]}%"

// noLineEnd holds the opening brackets and quotes that never end a line.
const noLineEnd = "（「『【《〈〔［｛‘“" + "([{"

// cell is one character of a line to break, with its font and width.
type cell struct {
	r     rune
	face  face
	width float64
}

// breakLines returns the index of the first cell of each line when cells are set in lines no
// wider than max. It breaks between any two characters (Chinese text breaks anywhere), except:
//   - a line never starts with a character of noLineStart nor ends with one of noLineEnd: the
//     character before the marks moves down to the next line with them, or, when that would
//     empty the line, the marks hang past the margin (they stay on the line above);
//   - the last line of several never holds a single character when the line above can give it
//     one more without breaking the first rule.
//
// A character wider than max gets a line of its own. The result is never empty.
func breakLines(cells []cell, max float64) []int {
	starts := []int{0}
	w := 0.0
	for i, c := range cells {
		if i == starts[len(starts)-1] || w+c.width <= max {
			w += c.width
			continue
		}
		b, start := i, starts[len(starts)-1]
		for b > start+1 && strings.ContainsRune(noLineStart, cells[b].r) {
			b-- // move the characters before the marks down with them
		}
		if strings.ContainsRune(noLineStart, cells[b].r) {
			w += c.width // nothing left to move down: the marks hang
			continue
		}
		if b-1 > start && strings.ContainsRune(noLineEnd, cells[b-1].r) {
			b--
		}
		starts = append(starts, b)
		w = 0
		for _, c := range cells[b : i+1] {
			w += c.width
		}
	}
	// No widow: give a lone last character a companion from the line above.
	if n := len(starts); n > 1 && len(cells)-starts[n-1] == 1 {
		b := starts[n-1] - 1
		if b > starts[n-2] && cells[b].width+cells[b+1].width <= max &&
			!strings.ContainsRune(noLineStart, cells[b].r) && !strings.ContainsRune(noLineEnd, cells[b-1].r) {
			starts[n-1] = b
		}
	}
	return starts
}

// cellsOf flattens runs into cells, measuring each character with width.
func cellsOf(runs []run, width func(r run) float64) []cell {
	var cs []cell
	for _, r := range runs {
		for _, c := range r.text {
			one := run{string(c), r.face}
			cs = append(cs, cell{r: c, face: r.face, width: width(one)})
		}
	}
	return cs
}

// wrapRuns breaks runs into rows no wider than max (see breakLines), each row a list of runs.
func wrapRuns(runs []run, max float64, width func(r run) float64) [][]run {
	cs := cellsOf(runs, width)
	starts := breakLines(cs, max)
	rows := make([][]run, 0, len(starts))
	for i, s := range starts {
		end := len(cs)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		var row []run
		for _, c := range cs[s:end] {
			if n := len(row); n > 0 && row[n-1].face == c.face && c.face != noFace {
				row[n-1].text += string(c.r)
			} else {
				row = append(row, run{string(c.r), c.face})
			}
		}
		rows = append(rows, row)
	}
	return rows
}
