package printing

import (
	"reflect"
	"strings"
	"testing"
)

// fullWidth makes one cell per character, each one unit wide.
func fullWidth(s string) []cell {
	var cs []cell
	for _, r := range s {
		cs = append(cs, cell{r: r, width: 1})
	}
	return cs
}

// lines applies breakLines to s and returns the lines.
func lines(s string, max float64) []string {
	rs := []rune(s)
	starts := breakLines(fullWidth(s), max)
	out := make([]string, len(starts))
	for i, st := range starts {
		end := len(rs)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out[i] = string(rs[st:end])
	}
	return out
}

func TestBreakLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  float64
		want []string
	}{
		{"fits", "请在大厅等候", 6, []string{"请在大厅等候"}},
		{"plain break", "请在大厅等候叫号处", 6, []string{"请在大厅等候", "叫号处"}},
		{"comma moves its character down", "请在大厅等候，叫号", 6, []string{"请在大厅等", "候，叫号"}},
		{"full stop moves its character down", "请到二楼调解室。谢谢", 7, []string{"请到二楼调解", "室。谢谢"}},
		{"closing bracket", "调解室（二楼）内等候", 6, []string{"调解室（二", "楼）内等候"}},
		{"closing quote", "请按『叫号』」后进入", 6, []string{"请按『叫", "号』」后进入"}},
		{"enumeration comma and question mark", "甲乙丙丁戊、己庚辛壬癸？子", 5, []string{"甲乙丙丁", "戊、己庚辛", "壬癸？子"}},
		{"opening bracket never ends a line", "一二三四（五）", 5, []string{"一二三四", "（五）"}},
		{"punctuation hangs when the line has one character", "字，", 1, []string{"字，"}},
		{"run of marks hangs", "一二三四五六！？", 6, []string{"一二三四五", "六！？"}},
		{"no widow", "枫桥镇社会治理中心", 8, []string{"枫桥镇社会治理", "中心"}},
		{"widow kept when the character would start with a mark", "一二三四五六七，八", 8, []string{"一二三四五六七，", "八"}},
		{"half-width comma", "A003,B004", 4, []string{"A00", "3,B0", "04"}},
		{"empty", "", 4, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(tt.in, tt.max)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lines(%q, %v) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if strings.Join(got, "") != tt.in {
				t.Errorf("lines lose or add characters: %q", got)
			}
			for i, l := range got[1:] {
				if r := []rune(l); len(r) > 0 && strings.ContainsRune(noLineStart, r[0]) {
					t.Errorf("line %d starts with %q", i+1, r[0])
				}
			}
		})
	}
}
