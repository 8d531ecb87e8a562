package idcard

import (
	"bytes"
	"testing"
)

// FuzzDecodeFrame checks the frame decoder and the stream scanner on arbitrary input: they
// must never panic, DecodeFrame must accept only frames that re-encode to themselves, and
// every payload the scanner returns must be a valid frame's payload found in the input,
// however the input is split.
func FuzzDecodeFrame(f *testing.F) {
	for _, v := range commandVectors {
		f.Add(hexBytes(f, v.frame), uint8(3))
	}
	for _, v := range responseVectors {
		f.Add(hexBytes(f, v.frame), uint8(1))
	}
	f.Add(append([]byte{0x00, 0xAA, 0xAA, 0x96, 0x69, 0xAA}, hexBytes(f, "AA AA AA 96 69 00 04 00 00 90 94")...), uint8(2))
	f.Add(hexBytes(f, "AA AA AA 96 69 FF FF 00 00"), uint8(4))
	f.Add(hexBytes(f, "AA AA AA 96 69 00 08 00 00 9F AA AA AA 96 69 00 04 00 00 80 84"), uint8(5))

	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		if payload, err := DecodeFrame(data); err == nil {
			if !bytes.Equal(EncodeFrame(payload), data) {
				t.Fatalf("DecodeFrame accepted % X, which does not re-encode to itself", data)
			}
			if len(data) > MaxFrameSize {
				t.Fatalf("DecodeFrame accepted a frame of %d bytes", len(data))
			}
		}
		s := NewScanner(3)
		n := max(int(step), 1)
		for off := 0; off < len(data); off += n {
			s.Feed(data[off:min(off+n, len(data))])
			for {
				p, err := s.Next()
				if err != nil {
					continue
				}
				if p == nil {
					break
				}
				frame := EncodeFrame(p)
				if len(p) < 3 || len(frame) > MaxFrameSize {
					t.Fatalf("scanner returned a payload of %d bytes", len(p))
				}
				if !bytes.Contains(data, frame) {
					t.Fatalf("scanner returned a frame that is not in the input: % X", frame)
				}
			}
			if s.Buffered() > len(data) {
				t.Fatalf("scanner holds %d bytes of a %d-byte input", s.Buffered(), len(data))
			}
		}
	})
}
