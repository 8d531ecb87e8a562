package idcard

import "fmt"

// Nation is an ethnic group code of GB 3304 (民族), as printed on resident ID cards. The zero
// value means "not given" (residence permits and foreigners' cards carry no nation).
type Nation uint8

// Nation codes outside the 56 groups.
const (
	NationOther   Nation = 97 // 其他
	NationForeign Nation = 98 // 外国血统中国籍人士
)

// nationNames lists the 56 ethnic groups in code order (01 汉 … 56 基诺).
var nationNames = [...]string{
	"汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
	"满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
	"佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
	"达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
	"塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
	"独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
}

// Valid reports whether n is a code of GB 3304.
func (n Nation) Valid() bool {
	return (n >= 1 && int(n) <= len(nationNames)) || n == NationOther || n == NationForeign
}

// String returns the group's name as printed on the card (汉, 蒙古, …), or "" for the zero
// value and unknown codes.
func (n Nation) String() string {
	switch {
	case n >= 1 && int(n) <= len(nationNames):
		return nationNames[n-1]
	case n == NationOther:
		return "其他"
	case n == NationForeign:
		return "外国血统中国籍人士"
	}
	return ""
}

// Code returns the two-digit code ("01" for 汉), or "" for the zero value.
func (n Nation) Code() string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%02d", uint8(n))
}

// NationByName finds the code of a group by its name (汉 or 汉族).
func NationByName(name string) (Nation, bool) {
	for n := Nation(1); n <= 98; n++ {
		if s := n.String(); s != "" && (s == name || s+"族" == name) {
			return n, true
		}
	}
	return 0, false
}
