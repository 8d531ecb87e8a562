package printing

import (
	"reflect"
	"testing"
)

func TestRuns(t *testing.T) {
	r := testRenderer(t)
	tests := []struct {
		in      string
		want    []run
		missing int
	}{
		{"A003", []run{{"A003", primary}}, 0},
		{"姓名 张*丰", []run{{"姓名 张*丰", primary}}, 0},
		{"姓名 刘䶮", []run{{"姓名 刘", primary}, {"䶮", fallback}}, 0},
		{"㐀㐁x", []run{{"㐀㐁", fallback}, {"x", primary}}, 0},
		{"\U00020BB7田", []run{{"\U00020BB7", rare}, {"田", primary}}, 0},
		{"a\U00020000\U0001F600b", []run{{"a", primary}, {"\U00020000", noFace}, {"\U0001F600", noFace}, {"b", primary}}, 2},
		{"a\nb", []run{{"a", primary}, {"b", primary}}, 0},
		{"", nil, 0},
	}
	for _, tt := range tests {
		got, missing := r.fonts.runs(tt.in)
		if !reflect.DeepEqual(got, tt.want) || missing != tt.missing {
			t.Errorf("runs(%q) = %v, %d; want %v, %d", tt.in, got, missing, tt.want, tt.missing)
		}
	}
}
