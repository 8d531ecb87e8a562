package idcard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// hexBytes parses "AA AA 96" style hex.
func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// The command frames of the spec.
var commandVectors = []struct {
	cmd   Command
	frame string
}{
	{CmdResetSAM, "AA AA AA 96 69 00 03 10 FF EC"},
	{CmdSAMStatus, "AA AA AA 96 69 00 03 11 FF ED"},
	{CmdSAMID, "AA AA AA 96 69 00 03 12 FF EE"},
	{CmdFindCard, "AA AA AA 96 69 00 03 20 01 22"},
	{CmdSelectCard, "AA AA AA 96 69 00 03 20 02 21"},
	{CmdReadText, "AA AA AA 96 69 00 03 30 01 32"},
	{CmdReadAddress, "AA AA AA 96 69 00 03 30 03 30"},
	{CmdReadFingerprint, "AA AA AA 96 69 00 03 30 10 23"},
}

// The reply frames of the spec.
var responseVectors = []struct {
	name  string
	frame string
	sw3   Status
	data  string
}{
	{"success", "AA AA AA 96 69 00 04 00 00 90 94", StatusOK, ""},
	{"find card OK", "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", StatusCardFound, "00 00 00 00"},
	{"no card", "AA AA AA 96 69 00 04 00 00 80 84", StatusNoCard, ""},
	{"select OK", "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", StatusOK, "00 00 00 00 00 00 00 00"},
	{"select failed", "AA AA AA 96 69 00 04 00 00 81 85", StatusSelectFailed, ""},
	{"read failed", "AA AA AA 96 69 00 04 00 00 41 45", StatusReadFailed, ""},
	{"checksum error", "AA AA AA 96 69 00 04 00 00 10 14", StatusChecksum, ""},
}

func TestEncodeCommand(t *testing.T) {
	for _, tt := range commandVectors {
		t.Run(tt.cmd.String(), func(t *testing.T) {
			want := hexBytes(t, tt.frame)
			if got := EncodeCommand(tt.cmd); !bytes.Equal(got, want) {
				t.Errorf("EncodeCommand(%v) = % X, want % X", tt.cmd, got, want)
			}
			payload, err := DecodeFrame(want)
			if err != nil {
				t.Fatalf("DecodeFrame: %v", err)
			}
			if got := Command(payload[0])<<8 | Command(payload[1]); got != tt.cmd {
				t.Errorf("decoded command %v, want %v", got, tt.cmd)
			}
		})
	}
	// Set baud rate: 60 00..04.
	for i, cmd := range []Command{CmdSetBaud115200, CmdSetBaud57600, CmdSetBaud38400, CmdSetBaud19200, CmdSetBaud9600} {
		f := EncodeCommand(cmd)
		if f[7] != 0x60 || f[8] != byte(i) || f[9] != 0x03^0x60^byte(i) {
			t.Errorf("EncodeCommand(%v) = % X", cmd, f)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	for _, tt := range responseVectors {
		t.Run(tt.name, func(t *testing.T) {
			frame := hexBytes(t, tt.frame)
			payload, err := DecodeFrame(frame)
			if err != nil {
				t.Fatalf("DecodeFrame: %v", err)
			}
			resp, err := ParseResponse(payload)
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			if resp.SW3 != tt.sw3 || !bytes.Equal(resp.Data, hexBytes(t, tt.data)) {
				t.Errorf("got SW3 %02X data % X, want %02X % s", byte(resp.SW3), resp.Data, byte(tt.sw3), tt.data)
			}
			if got := EncodeResponse(tt.sw3, resp.Data...); !bytes.Equal(got, frame) {
				t.Errorf("EncodeResponse = % X, want % X", got, frame)
			}
		})
	}
}

func TestDecodeFrameErrors(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"empty", nil, ErrPreamble},
		{"no preamble", hexBytes(t, "AA AA AB 96 69 00 04 00 00 90 94"), ErrPreamble},
		{"bad checksum", hexBytes(t, "AA AA AA 96 69 00 04 00 00 90 95"), ErrChecksum},
		{"length too long", hexBytes(t, "AA AA AA 96 69 00 05 00 00 90 94"), ErrFrameLength},
		{"length too short", hexBytes(t, "AA AA AA 96 69 00 03 00 00 90 94"), ErrFrameLength},
		{"length below minimum", hexBytes(t, "AA AA AA 96 69 00 02 00 02"), ErrFrameLength},
		{"larger than the maximum", append(hexBytes(t, "AA AA AA 96 69 09 0B"), make([]byte, 2315)...), ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeFrame(tt.frame); !errors.Is(err, tt.want) {
				t.Errorf("DecodeFrame error = %v, want %v", err, tt.want)
			}
		})
	}
	// The largest valid frame decodes.
	big := EncodeResponse(StatusOK, make([]byte, MaxFrameSize-MinFrameSize)...)
	if len(big) != MaxFrameSize {
		t.Fatalf("frame of %d bytes, want %d", len(big), MaxFrameSize)
	}
	if _, err := DecodeFrame(big); err != nil {
		t.Errorf("DecodeFrame of a maximal frame: %v", err)
	}
}

// scanAll feeds input to a reply scanner in pieces of size step and collects payloads and
// errors.
func scanAll(input []byte, step int) (payloads [][]byte, errs []error) {
	s := NewScanner(3)
	for off := 0; off < len(input); off += step {
		s.Feed(input[off:min(off+step, len(input))])
		for {
			p, err := s.Next()
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if p == nil {
				break
			}
			payloads = append(payloads, p)
		}
	}
	return payloads, errs
}

func TestScanner(t *testing.T) {
	ok := hexBytes(t, "AA AA AA 96 69 00 04 00 00 90 94")
	find := hexBytes(t, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	bad := hexBytes(t, "AA AA AA 96 69 00 04 00 00 90 95")
	huge := hexBytes(t, "AA AA AA 96 69 FF F0")
	read := EncodeResponse(StatusOK, append([]byte{1, 0, 4, 0}, make([]byte, 1280)...)...)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	tests := []struct {
		name     string
		input    []byte
		payloads int
		errs     []error
	}{
		{"one frame", ok, 1, nil},
		{"two frames back to back", cat(ok, find), 2, nil},
		{"noise before", cat([]byte{0, 0xFF, 0xAA, 0x96, 0x69, 0xAA, 0xAA}, ok), 1, nil},
		{"noise between", cat(ok, []byte{0x13, 0xAA, 0xAA, 0xAA, 0x96}, find), 2, nil},
		{"stray AA before preamble", cat([]byte{0xAA, 0xAA}, ok), 1, nil},
		{"bad checksum then good", cat(bad, ok), 1, []error{ErrChecksum}},
		{"oversized header then good", cat(huge, ok), 1, []error{ErrFrameTooLarge}},
		{"short length then good", cat(hexBytes(t, "AA AA AA 96 69 00 01"), ok), 1, []error{ErrFrameLength}},
		{"truncated frame then good", cat(find[:9], ok), 1, nil},
		{"truncated big frame then good", cat(read[:300], ok), 1, nil},
		{"big frame", read, 1, nil},
		{"truncated frame only", find[:12], 0, nil},
	}
	for _, tt := range tests {
		for _, step := range []int{1, 3, 7, len(tt.input)} {
			payloads, errs := scanAll(tt.input, step)
			if len(payloads) != tt.payloads {
				t.Errorf("%s (step %d): %d frames, want %d", tt.name, step, len(payloads), tt.payloads)
			}
			if len(errs) != len(tt.errs) {
				t.Errorf("%s (step %d): errors %v, want %v", tt.name, step, errs, tt.errs)
				continue
			}
			for i := range errs {
				if !errors.Is(errs[i], tt.errs[i]) {
					t.Errorf("%s (step %d): error %v, want %v", tt.name, step, errs[i], tt.errs[i])
				}
			}
		}
	}
}

func TestParseCardData(t *testing.T) {
	text := bytes.Repeat([]byte{'A', 0}, 128)
	photo := bytes.Repeat([]byte{0x57}, 1024)
	finger := bytes.Repeat([]byte{0xF1}, 512)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	d, err := ParseCardData(CmdReadText, cat([]byte{1, 0, 4, 0}, text, photo))
	if err != nil || !bytes.Equal(d.Text, text) || !bytes.Equal(d.Photo, photo) || d.Fingerprint != nil {
		t.Errorf("text+photo: %v", err)
	}
	d, err = ParseCardData(CmdReadFingerprint, cat([]byte{1, 0, 4, 0, 2, 0}, text, photo, finger))
	if err != nil || !bytes.Equal(d.Text, text) || !bytes.Equal(d.Photo, photo) || !bytes.Equal(d.Fingerprint, finger) {
		t.Errorf("text+photo+fingerprint: %v", err)
	}
	for name, data := range map[string][]byte{
		"short header":       {1, 0},
		"missing photo":      cat([]byte{1, 0, 4, 0}, text),
		"text length wrong":  cat([]byte{0, 0x80, 4, 0}, text[:128], photo),
		"trailing bytes":     cat([]byte{1, 0, 4, 0}, text, photo, []byte{0}),
		"fingerprint absent": cat([]byte{1, 0, 4, 0, 2, 0}, text, photo),
	} {
		cmd := CmdReadText
		if strings.Contains(name, "fingerprint") {
			cmd = CmdReadFingerprint
		}
		if _, err := ParseCardData(cmd, data); !errors.Is(err, ErrFrameLength) {
			t.Errorf("%s: error %v, want ErrFrameLength", name, err)
		}
	}
}

func TestStatusError(t *testing.T) {
	tests := []struct {
		sw3  Status
		want error
		msg  string
	}{
		{StatusNoCard, ErrNoCard, "请将身份证放在感应区"},
		{StatusReadFailed, ErrReadFailed, "读卡失败，请重新放置身份证"},
		{StatusSelectFailed, ErrSelectFailed, "未能识别身份证，请重新放置"},
		{StatusChecksum, ErrReaderChecksum, "读卡器通信错误，请稍后再试"},
		{StatusLength, ErrReaderLength, "读卡器通信错误，请稍后再试"},
		{StatusCommand, ErrBadCommand, "读卡器通信错误，请稍后再试"},
		{StatusUnauthorised, ErrUnauthorised, "读卡器未授权，请联系工作人员"},
		{StatusUnrecognised, ErrUnrecognised, "读卡器发生未知错误，请联系工作人员"},
		{StatusCardAuth, ErrCardAuth, "身份证认证失败，请重新放置身份证"},
		{StatusSAMAuth, ErrSAMAuth, "身份证认证失败，请重新放置身份证"},
		{StatusVerification, ErrVerification, "证件信息校验失败，请重新放置身份证"},
		{StatusCardType, ErrCardType, "无法识别该卡片，请放置身份证或居住证"},
		{StatusRandom, ErrRandom, "读卡失败，请重新放置身份证"},
		{StatusSAMSelfTest, ErrSAMSelfTest, "读卡器自检失败，请联系工作人员"},
		{StatusSAMUnauthorised, ErrSAMNotAuthorised, "读卡器未授权，请联系工作人员"},
		{StatusNoContent, ErrNoContent, "证件无此项内容"},
		{0x55, ErrUnknownStatus, "读卡器发生未知错误，请联系工作人员"},
	}
	for _, tt := range tests {
		var err error = &StatusError{Command: CmdFindCard, SW3: tt.sw3}
		err = errors.Join(errors.New("context"), err) // still matches when wrapped
		if !errors.Is(err, tt.want) {
			t.Errorf("SW3 %02X does not match %v", byte(tt.sw3), tt.want)
		}
		if errors.Is(err, ErrNoCard) != (tt.want == ErrNoCard) {
			t.Errorf("SW3 %02X matches ErrNoCard", byte(tt.sw3))
		}
		if got := Message(err); got != tt.msg {
			t.Errorf("Message(SW3 %02X) = %q, want %q", byte(tt.sw3), got, tt.msg)
		}
	}
	if err := checkStatus(CmdFindCard, Response{SW3: StatusCardFound}); err != nil {
		t.Errorf("find card 9F: %v", err)
	}
	if err := checkStatus(CmdSelectCard, Response{SW3: StatusCardFound}); err == nil {
		t.Errorf("select card answered 9F must fail")
	}
	if Message(nil) != "" {
		t.Errorf("Message(nil) must be empty")
	}
}
