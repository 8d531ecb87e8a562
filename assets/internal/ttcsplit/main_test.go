package main

import (
	"bytes"
	"encoding/binary"
	"testing"

	"fengqiao/assets"

	"golang.org/x/image/font/sfnt"
)

// collection wraps TrueType fonts into a TrueType Collection, shifting their table offsets.
func collection(fonts ...[]byte) []byte {
	be := binary.BigEndian
	header := 12 + 4*len(fonts)
	out := make([]byte, header)
	copy(out, "ttcf")
	be.PutUint32(out[4:], 0x00010000)
	be.PutUint32(out[8:], uint32(len(fonts)))
	for i, f := range fonts {
		base := len(out)
		be.PutUint32(out[12+4*i:], uint32(base))
		g := bytes.Clone(f)
		for t := range int(be.Uint16(g[4:])) {
			e := g[12+16*t:]
			be.PutUint32(e[8:], be.Uint32(e[8:])+uint32(base))
		}
		out = append(out, g...)
	}
	return out
}

func TestExtract(t *testing.T) {
	ttc := collection(assets.FallbackFont, assets.CJKFont)
	tests := []struct {
		face    int
		want    []byte
		wantErr bool
	}{
		{0, assets.FallbackFont, false},
		{1, assets.CJKFont, false},
		{2, nil, true},
		{-1, nil, true},
	}
	for _, tt := range tests {
		got, err := extract(ttc, tt.face)
		if (err != nil) != tt.wantErr {
			t.Fatalf("extract face %d: error %v, wantErr %v", tt.face, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		f, err := sfnt.Parse(got)
		if err != nil {
			t.Fatalf("face %d does not parse: %v", tt.face, err)
		}
		want, _ := sfnt.Parse(tt.want)
		if f.NumGlyphs() != want.NumGlyphs() {
			t.Errorf("face %d: %d glyphs, want %d", tt.face, f.NumGlyphs(), want.NumGlyphs())
		}
		if checksum(got) != 0xB1B0AFBA {
			t.Errorf("face %d: whole-font checksum %#x, want 0xB1B0AFBA", tt.face, checksum(got))
		}
	}
	if _, err := extract(assets.CJKFont, 0); err == nil {
		t.Error("extract of a plain TTF succeeded")
	}
}
