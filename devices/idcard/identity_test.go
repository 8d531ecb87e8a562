package idcard

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"fengqiao/app"
)

// block builds a text block by hand from the spec's offsets: spaces everywhere, then each
// field written as UCS-2 little-endian at its offset.
func block(fields map[int]string) []byte {
	b := make([]byte, TextSize)
	for i := 0; i < TextSize; i += 2 {
		b[i] = 0x20
	}
	for off, s := range fields {
		for i, c := range utf16.Encode([]rune(s)) {
			binary.LittleEndian.PutUint16(b[off+2*i:], c)
		}
	}
	return b
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name  string
		block []byte
		want  Identity
	}{
		{
			name: "resident ID card",
			block: block(map[int]string{0: "张三丰", 30: "1", 32: "01", 36: "19800101", 52: "安徽省合肥市庐阳区测试路8号",
				122: "34052419800101001X", 158: "合肥市公安局庐阳分局", 188: "20150301", 204: "20350301"}),
			want: Identity{Type: CardResident, Name: "张三丰", Gender: GenderMale, Nation: 1, Birth: day(1980, 1, 1),
				Address: "安徽省合肥市庐阳区测试路8号", Number: "34052419800101001X", Authority: "合肥市公安局庐阳分局",
				ValidFrom: day(2015, 3, 1), ValidTo: day(2035, 3, 1)},
		},
		{
			name: "resident ID card, long-term, nation 98",
			block: block(map[int]string{0: "欧阳娜娜", 30: "2", 32: "98", 36: "19491231", 52: "北京市西城区",
				122: "11010519491231002X", 158: "北京市公安局西城分局", 188: "20100101", 204: "长期"}),
			want: Identity{Type: CardResident, Name: "欧阳娜娜", Gender: GenderFemale, Nation: NationForeign, Birth: day(1949, 12, 31),
				Address: "北京市西城区", Number: "11010519491231002X", Authority: "北京市公安局西城分局", ValidFrom: day(2010, 1, 1)},
		},
		{
			name: "Hong Kong, Macau and Taiwan residence permit (J)",
			block: block(map[int]string{0: "陈小文", 30: "2", 36: "19850612", 52: "广东省深圳市福田区",
				122: "810000198506120040", 158: "深圳市公安局", 188: "20200101", 204: "20250101",
				220: "H12345678", 238: "02", 248: "J"}),
			want: Identity{Type: CardResidencePermit, Name: "陈小文", Gender: GenderFemale, Birth: day(1985, 6, 12),
				Address: "广东省深圳市福田区", Number: "810000198506120040", Authority: "深圳市公安局",
				ValidFrom: day(2020, 1, 1), ValidTo: day(2025, 1, 1), PassNumber: "H12345678", IssueCount: 2},
		},
		{
			name: "foreigner's permanent residence card, old layout (I)",
			block: block(map[int]string{0: "SMITH, JOHN", 120: "1", 122: "USA110080101001", 152: "USA",
				158: "史密斯", 188: "20150101", 204: "20250101", 220: "19800101", 236: "01", 240: "1100", 248: "I"}),
			want: Identity{Type: CardForeignerOld, Name: "史密斯", EnglishName: "SMITH, JOHN", Gender: GenderMale,
				Birth: day(1980, 1, 1), Number: "USA110080101001", Nationality: "USA", ValidFrom: day(2015, 1, 1),
				ValidTo: day(2025, 1, 1), CardVersion: "01", AuthorityCode: "1100"},
		},
		{
			name: "foreigner's permanent residence card, 2023 layout (Y), long English name",
			block: block(map[int]string{0: "玛丽", 30: "2", 32: "01", 36: "19880415",
				52: "MARTIN-LEFEBVRE, MARIE CHRISTINE AN", 220: "TOINETTE", 122: "933156198804150026",
				158: "国家移民管理局", 188: "20230601", 204: "20330601", 242: "FRA", 248: "Y", 250: "0"}),
			want: Identity{Type: CardForeigner, Name: "玛丽", EnglishName: "MARTIN-LEFEBVRE, MARIE CHRISTINE ANTOINETTE",
				Gender: GenderFemale, RenewalCount: 1, Birth: day(1988, 4, 15), Number: "933156198804150026",
				Authority: "国家移民管理局", ValidFrom: day(2023, 6, 1), ValidTo: day(2033, 6, 1), Nationality: "FRA",
				PreviousLink: "0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeText(tt.block)
			if err != nil {
				t.Fatalf("DecodeText: %v", err)
			}
			if fmt.Sprintf("%#v", got.Record()) != fmt.Sprintf("%#v", tt.want.Record()) || got.Type != tt.want.Type {
				t.Errorf("DecodeText =\n%+v\nwant\n%+v", got.Record(), tt.want.Record())
			}
			if err := got.Check(day(2024, 6, 1)); err != nil {
				t.Errorf("Check: %v", err)
			}
			// EncodeText is DecodeText's inverse.
			enc, err := EncodeText(got)
			if err != nil {
				t.Fatalf("EncodeText: %v", err)
			}
			again, err := DecodeText(enc)
			if err != nil || again.Record() != got.Record() {
				t.Errorf("round trip: %v\n%+v\n%+v", err, again.Record(), got.Record())
			}
		})
	}
}

func TestDecodeTextErrors(t *testing.T) {
	valid := map[int]string{0: "张三", 30: "1", 32: "01", 36: "19800101", 52: "地址",
		122: "34052419800101001X", 158: "公安局", 188: "20150301", 204: "20350301"}
	with := func(off int, v string) []byte {
		f := map[int]string{}
		for k, s := range valid {
			f[k] = s
		}
		f[off] = v
		return block(f)
	}
	tests := []struct {
		name  string
		block []byte
		field string
	}{
		{"short block", make([]byte, 100), "text"},
		{"bad birth date", with(36, "19801301"), "birth"},
		{"bad valid-to", with(204, "2035"), "valid_to"},
		{"unknown nation", with(32, "60"), "nation"},
		{"nation not a number", with(32, "汉"), "nation"},
		{"unknown gender", with(30, "5"), "gender"},
		{"empty number", with(122, "                  "), "id_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeText(tt.block)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, ErrField) {
				t.Fatalf("DecodeText error = %v, want a FieldError for %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "张三") || strings.Contains(err.Error(), "1980") {
				t.Errorf("error %q leaks card content", err)
			}
		})
	}
}

func TestIDCheckDigit(t *testing.T) {
	// The spec's vectors, through the app package.
	for _, n := range []string{"34052419800101001X", "11010519491231002X", "440304199001011233"} {
		if c := app.IDCheckChar(n[:17]); c != n[17] {
			t.Errorf("IDCheckChar(%s) = %c, want %c", n[:17], c, n[17])
		}
	}
	card := func(number string, birth time.Time, g Gender) Identity {
		return Identity{Type: CardResident, Number: number, Birth: birth, Gender: g, ValidFrom: day(2015, 1, 1)}
	}
	tests := []struct {
		name string
		id   Identity
		want []error // nil: valid
	}{
		{"valid X", card("34052419800101001X", day(1980, 1, 1), GenderMale), nil},
		{"valid digit", card("440304199001011233", day(1990, 1, 1), GenderMale), nil},
		{"wrong check digit", card("340524198001010011", day(1980, 1, 1), GenderMale), []error{ErrIDNumber, app.ErrIDCheckDigit}},
		{"too short", card("3405241980010100", day(1980, 1, 1), GenderMale), []error{ErrIDNumber, app.ErrIDLength}},
		{"letters", card("34052419800101A01X", day(1980, 1, 1), GenderMale), []error{ErrIDNumber, app.ErrIDCharacters}},
		{"birth disagrees", card("34052419800101001X", day(1980, 1, 2), GenderMale), []error{ErrInconsistent}},
		{"gender disagrees", card("34052419800101001X", day(1980, 1, 1), GenderFemale), []error{ErrInconsistent}},
		{"old foreigner number", Identity{Type: CardForeignerOld, Number: "USA110080101001"}, nil},
		{"old foreigner number malformed", Identity{Type: CardForeignerOld, Number: "usa11008010100"}, []error{ErrIDNumber}},
		{"2023 foreigner wrong check digit", Identity{Type: CardForeigner, Number: "933156198804150027", Birth: day(1988, 4, 15)}, []error{ErrIDNumber}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.id.Check(day(2020, 1, 1))
			if tt.want == nil && err != nil {
				t.Fatalf("Check: %v", err)
			}
			if tt.want != nil && err == nil {
				t.Fatalf("Check passed, want %v", tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Check error %v does not match %v", err, w)
				}
			}
			if err != nil && strings.Contains(err.Error(), tt.id.Number) {
				t.Errorf("error %q leaks the number", err)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	id := Identity{Type: CardResident, Number: "440304199001011233", Birth: day(1990, 1, 1), Gender: GenderMale,
		ValidFrom: day(2015, 3, 1), ValidTo: day(2025, 3, 1)}
	longTerm := id
	longTerm.ValidTo = time.Time{}
	tests := []struct {
		name string
		id   Identity
		now  time.Time
		want error
	}{
		{"first day", id, time.Date(2015, 3, 1, 0, 0, 0, 0, shanghai), nil},
		{"day before first day", id, time.Date(2015, 2, 28, 23, 59, 0, 0, shanghai), ErrNotYetValid},
		{"last day, late evening in Shanghai", id, time.Date(2025, 3, 1, 23, 59, 0, 0, shanghai), nil},
		{"day after last day, early morning in Shanghai", id, time.Date(2025, 3, 2, 0, 1, 0, 0, shanghai), ErrExpired},
		{"long after", id, day(2030, 1, 1), ErrExpired},
		{"long-term card", longTerm, day(2099, 1, 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.id.Check(tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Check(%v) = %v, want %v", tt.now, err, tt.want)
			}
		})
	}
	if msg := Message(id.Check(day(2030, 1, 1))); msg != "证件已过有效期，请使用有效证件" {
		t.Errorf("Message(expired) = %q", msg)
	}
	if !longTerm.LongTerm() || longTerm.Record().ValidTo != "长期" {
		t.Errorf("long-term card does not say 长期")
	}
}

func TestNations(t *testing.T) {
	valid := 0
	for n := Nation(0); n < 255; n++ {
		if n.Valid() {
			valid++
			if got, ok := NationByName(n.String()); !ok || got != n {
				t.Errorf("NationByName(%s) = %d", n, got)
			}
		}
	}
	if valid != 58 {
		t.Errorf("%d valid nation codes, want 56 groups + 97 + 98", valid)
	}
	for code, name := range map[Nation]string{1: "汉", 2: "蒙古", 5: "维吾尔", 22: "畲", 29: "柯尔克孜", 43: "乌孜别克", 56: "基诺", 97: "其他", 98: "外国血统中国籍人士"} {
		if code.String() != name {
			t.Errorf("Nation(%d) = %s, want %s", code, code, name)
		}
	}
	if n, ok := NationByName("汉族"); !ok || n != 1 || n.Code() != "01" {
		t.Errorf("NationByName(汉族) = %v %v", n, ok)
	}
	if Nation(57).Valid() || Nation(57).String() != "" {
		t.Errorf("57 is not a nation code")
	}
}

func TestIdentityIsMasked(t *testing.T) {
	id := Identity{Type: CardResident, Name: "王小明", Number: "330681199003071233", Address: "浙江省诸暨市枫桥镇枫源村",
		Birth: day(1990, 3, 7), Photo: []byte{1, 2, 3}}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("read", "card", id)
	js, _ := json.Marshal(id)
	for _, out := range []string{id.String(), fmt.Sprintf("%v %+v %#v %s", id, id, id, id), logs.String(), string(js)} {
		for _, secret := range []string{"王小明", "330681199003071233", "枫桥镇", "19900307", "1990-03-07"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q reveals %q", out, secret)
			}
		}
	}
	if want := "居民身份证 王*明 330681********1233"; id.String() != want {
		t.Errorf("String = %q, want %q", id.String(), want)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	id := Identity{Type: CardResidencePermit, Name: "陈大文", Gender: GenderMale, Birth: day(1985, 6, 12),
		Address: "深圳", Number: "810000198506120040", Authority: "深圳市公安局", ValidFrom: day(2020, 1, 1),
		PassNumber: "H12345678", IssueCount: 2}
	b, err := json.Marshal(id.Record())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"name", "gender", "nation", "birth", "address", "id_number", "authority", "valid_from", "valid_to", "card_type"} {
		if !strings.Contains(string(b), `"`+key+`":`) {
			t.Errorf("record JSON lacks %s: %s", key, b)
		}
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	back, err := r.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if back.Record() != id.Record() {
		t.Errorf("round trip = %+v, want %+v", back.Record(), id.Record())
	}
	if _, err := (Record{Gender: "男", Birth: "1990/01/01"}).Identity(); !errors.Is(err, ErrField) {
		t.Errorf("bad birth date accepted: %v", err)
	}
}
