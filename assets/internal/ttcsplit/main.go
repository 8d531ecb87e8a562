// Command ttcsplit copies one face of a TrueType Collection (.ttc) into a standalone TrueType
// file (.ttf), because gofpdf reads neither collections nor CFF-flavoured OpenType.
//
// Usage:
//
//	go run ./assets/internal/ttcsplit [-face N] IN.ttc OUT.ttf
//
// The face's table directory is copied as is, each table is copied after it (4-byte aligned) and
// the offsets are recomputed. Table checksums do not depend on offsets, so they stay valid; the
// head table's checkSumAdjustment is recomputed for the new file.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	face := flag.Int("face", 0, "index of the face to extract")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: ttcsplit [-face N] IN.ttc OUT.ttf")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *face); err != nil {
		fmt.Fprintln(os.Stderr, "ttcsplit:", err)
		os.Exit(1)
	}
}

func run(in, out string, face int) error {
	ttc, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	ttf, err := extract(ttc, face)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, ttf, 0o644)
}

type table struct {
	tag                      [4]byte
	checksum, offset, length uint32
}

// extract returns face number face of the collection ttc as a standalone sfnt.
func extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType collection")
	}
	n := int(be.Uint32(ttc[8:]))
	if face < 0 || face >= n || len(ttc) < 12+4*n {
		return nil, fmt.Errorf("face %d out of range (collection has %d)", face, n)
	}
	off := int(be.Uint32(ttc[12+4*face:]))
	if off+12 > len(ttc) {
		return nil, errors.New("face offset beyond end of file")
	}
	if v := be.Uint32(ttc[off:]); v != 0x00010000 {
		return nil, fmt.Errorf("face %d is not TrueType-flavoured (sfnt version %#08x)", face, v)
	}
	numTables := int(be.Uint16(ttc[off+4:]))
	dir := off + 12
	if dir+16*numTables > len(ttc) {
		return nil, errors.New("table directory beyond end of file")
	}
	tables := make([]table, numTables)
	for i := range tables {
		e := ttc[dir+16*i:]
		copy(tables[i].tag[:], e[:4])
		tables[i].checksum = be.Uint32(e[4:])
		tables[i].offset = be.Uint32(e[8:])
		tables[i].length = be.Uint32(e[12:])
		if int(tables[i].offset)+int(tables[i].length) > len(ttc) {
			return nil, fmt.Errorf("table %s beyond end of file", tables[i].tag[:])
		}
	}
	// The directory must stay sorted by tag; it already is in a valid font, but make sure.
	sort.Slice(tables, func(i, j int) bool { return string(tables[i].tag[:]) < string(tables[j].tag[:]) })

	header := 12 + 16*numTables
	out := make([]byte, header)
	copy(out, ttc[off:off+12]) // sfnt version, numTables, searchRange, entrySelector, rangeShift
	headAt := -1
	for i, t := range tables {
		newOff := len(out)
		out = append(out, ttc[t.offset:t.offset+t.length]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		e := out[12+16*i:]
		copy(e[:4], t.tag[:])
		be.PutUint32(e[4:], t.checksum)
		be.PutUint32(e[8:], uint32(newOff))
		be.PutUint32(e[12:], t.length)
		if string(t.tag[:]) == "head" {
			headAt = newOff
		}
	}
	if headAt >= 0 && headAt+12 <= len(out) {
		be.PutUint32(out[headAt+8:], 0)
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out, nil
}

// checksum is the sfnt checksum: the sum of the big-endian uint32 words of b (zero padded).
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
