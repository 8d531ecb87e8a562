package textwrap

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// runes measures a string as one unit per character, Latin or CJK: enough to test the rules.
func runes(s string) float32 { return float32(utf8.RuneCountInString(s)) }

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width float32
		want  []string
	}{
		{"fits", "请取走凭条", 10, []string{"请取走凭条"}},
		{"plain break", "一二三四五六七八", 4, []string{"一二三四", "五六七八"}},
		{"comma never starts a line", "一二三四，五六七八", 4, nil},
		{"closing quote stays", "请点「呼叫工作人员」按钮", 8, []string{"请点「呼叫工作人", "员」按钮"}},
		{"opening quote never ends a line", "一二三四五六「七」", 7, []string{"一二三四五", "六「七」"}},
		{"number kept whole", "拨打12345热线", 5, []string{"拨打", "12345", "热线"}},
		{"orphan pulled", "一二三四五六七八九", 8, []string{"一二三四五六七", "八九"}},
		{"orphan with full stop", "一二三四五六七八护。", 8, []string{"一二三四五六七", "八护。"}},
		{"newline breaks", "第一行\n第二行", 10, []string{"第一行", "第二行"}},
		{"space dropped at break", "ab cd ef", 5, []string{"ab cd", "ef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lines(tt.in, tt.width, runes)
			if tt.want == nil {
				checkRules(t, got, tt.width)
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Lines(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			checkRules(t, got, tt.width)
		})
	}
}

// checkRules fails t if any line breaks a rule of the package.
func checkRules(t *testing.T, lines []string, width float32) {
	t.Helper()
	for i, l := range lines {
		first, _ := utf8.DecodeRuneInString(l)
		if i > 0 && containsRune(noStart, first) {
			t.Errorf("line %d %q starts with %q", i, l, first)
		}
		last, _ := utf8.DecodeLastRuneInString(l)
		if i < len(lines)-1 && containsRune(noEnd, last) {
			t.Errorf("line %d %q ends with %q", i, l, last)
		}
		if len(lines) > 1 && letters(l) == 1 {
			t.Errorf("line %d %q is one character alone", i, l)
		}
	}
}

func containsRune(set string, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

// TestLinesRules runs the rules over the kiosk's long texts at many widths.
func TestLinesRules(t *testing.T) {
	texts := []string{
		"我们会记下您的姓名、身份证号码和电话，只用来这次排队叫号、办理和回访您反映的事，不做别的用途，也不会告诉无关的人。身份证号码属于敏感个人信息，依照《个人信息保护法》受保护。",
		"同一个身份证今天在这项业务已经取过号，次数已满。如果有急事，请按「呼叫工作人员」，工作人员会来帮您。",
		"放好后不要移动，稍等两秒，读好后屏幕会自动进入下一步。",
	}
	for _, s := range texts {
		for w := float32(6); w <= 40; w++ { // six characters: the narrowest column on a screen
			lines := Lines(s, w, runes)
			checkRules(t, lines, w)
			for i, l := range lines {
				if runes(l) > w+2 { // a unit may carry up to two punctuation marks over
					t.Errorf("width %v: line %d %q too long", w, i, l)
				}
			}
		}
	}
}
