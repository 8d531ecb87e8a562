package idcardsim

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"fengqiao/devices/idcard"
)

// TestIdentity returns the built-in card: a made-up resident of 枫桥镇 whose ID number
// 330681199003071233 has a correct check digit. It is valid from 2020-01-01 to 2040-01-01.
func TestIdentity() idcard.Identity {
	return idcard.Identity{
		Type:      idcard.CardResident,
		Name:      "王小明",
		Gender:    idcard.GenderMale,
		Nation:    1, // 汉
		Birth:     date(1990, 3, 7),
		Address:   "浙江省诸暨市枫桥镇枫源村测试路1号",
		Number:    "330681199003071233",
		Authority: "诸暨市公安局",
		ValidFrom: date(2020, 1, 1),
		ValidTo:   date(2040, 1, 1),
		Photo:     TestPhoto(),
	}
}

// TestPhoto returns a 1024-byte stand-in for a WLT photo, with the real header
// (57 4C 66 00 7E 00: "WL", 102 x 126) and a fixed pattern after it.
func TestPhoto() []byte {
	p := make([]byte, 1024)
	copy(p, []byte{0x57, 0x4C, 0x66, 0x00, 0x7E, 0x00})
	for i := 6; i < len(p); i++ {
		p[i] = byte(i * 7)
	}
	return p
}

// LoadCard reads a card from a JSON file in the form of idcard.Record (the output of
// "fengqiao idcard read --json"). The card gets the test photo.
func LoadCard(path string) (idcard.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return idcard.Identity{}, fmt.Errorf("load card: %w", err)
	}
	var r idcard.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return idcard.Identity{}, fmt.Errorf("load card %s: %w", path, err)
	}
	id, err := r.Identity()
	if err != nil {
		return idcard.Identity{}, fmt.Errorf("load card %s: %w", path, err)
	}
	id.Photo = TestPhoto()
	return id, nil
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
