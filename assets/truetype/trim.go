// Package truetype edits TrueType fonts in memory.
//
// Trim cuts a large font down to the characters of one document: the result maps only those
// characters and holds only their glyphs (with the components of composite glyphs), renumbered
// from 1 after .notdef; metrics, names and hinting tables come along, layout tables (GSUB, GPOS)
// and glyph names do not. PDF libraries that parse and subset the whole font for every document,
// as gofpdf does, then parse a font of a few hundred kilobytes instead of megabytes. The font is
// parsed once, by Parse; Trim is cheap and safe for concurrent use.
//
// Merge joins fonts into one, for renderers that take a single font per text style (Fyne's
// themes): the glyphs of each font for the characters the fonts before it lack.
package truetype

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/image/font/sfnt"
)

var be = binary.BigEndian

// keep lists the tables a trimmed font carries (cmap, glyf, head and loca are rebuilt); layout
// tables and the like are dropped.
var keep = []string{"OS/2", "cvt ", "fpgm", "name", "prep"}

// Font is a parsed TrueType font to trim.
type Font struct {
	data        []byte
	tables      map[string][]byte
	loca        []uint32 // numGlyphs+1 offsets into glyf
	numGlyphs   int
	numHMetrics int
	sfnt        *sfnt.Font
	bufs        sync.Pool // of *sfnt.Buffer
}

// Parse parses a TrueType-flavoured sfnt font.
func Parse(data []byte) (*Font, error) {
	if len(data) < 12 || be.Uint32(data) != 0x00010000 {
		return nil, errors.New("truetype: not a TrueType font")
	}
	f := &Font{data: data, tables: map[string][]byte{}}
	n := int(be.Uint16(data[4:]))
	if 12+16*n > len(data) {
		return nil, errors.New("truetype: table directory beyond end of font")
	}
	for i := range n {
		e := data[12+16*i:]
		off, length := int(be.Uint32(e[8:])), int(be.Uint32(e[12:]))
		if off < 0 || length < 0 || off+length > len(data) {
			return nil, fmt.Errorf("truetype: table %q beyond end of font", e[:4])
		}
		f.tables[string(e[:4])] = data[off : off+length]
	}
	for _, tag := range []string{"head", "maxp", "loca", "glyf", "cmap", "hhea", "hmtx", "post"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("truetype: no %q table", tag)
		}
	}
	head, maxp, loca := f.tables["head"], f.tables["maxp"], f.tables["loca"]
	if len(head) < 54 || len(maxp) < 6 || len(f.tables["hhea"]) < 36 || len(f.tables["post"]) < 32 {
		return nil, errors.New("truetype: short head, maxp, hhea or post table")
	}
	f.numHMetrics = int(be.Uint16(f.tables["hhea"][34:]))
	f.numGlyphs = int(be.Uint16(maxp[4:]))
	f.loca = make([]uint32, f.numGlyphs+1)
	long := be.Uint16(head[50:]) == 1
	for i := range f.loca {
		switch {
		case long && 4*i+4 <= len(loca):
			f.loca[i] = be.Uint32(loca[4*i:])
		case !long && 2*i+2 <= len(loca):
			f.loca[i] = 2 * uint32(be.Uint16(loca[2*i:]))
		default:
			return nil, errors.New("truetype: short loca table")
		}
	}
	glyfLen := uint32(len(f.tables["glyf"]))
	for i := 1; i < len(f.loca); i++ {
		if f.loca[i] < f.loca[i-1] || f.loca[i] > glyfLen {
			return nil, fmt.Errorf("truetype: bad loca entry %d", i)
		}
	}
	var err error
	if f.sfnt, err = sfnt.Parse(data); err != nil {
		return nil, fmt.Errorf("truetype: %w", err)
	}
	return f, nil
}

// Has reports whether the font maps r to a glyph.
func (f *Font) Has(r rune) bool { return f.glyph(r) != 0 }

func (f *Font) glyph(r rune) uint16 {
	buf, _ := f.bufs.Get().(*sfnt.Buffer)
	if buf == nil {
		buf = new(sfnt.Buffer)
	}
	defer f.bufs.Put(buf)
	g, err := f.sfnt.GlyphIndex(buf, r)
	if err != nil {
		return 0
	}
	return uint16(g)
}

// Trim returns a standalone TrueType font that maps only the characters in runes (those the font
// has, in the Basic Multilingual Plane) and keeps only their glyphs, under their original IDs.
func (f *Font) Trim(runes []rune) ([]byte, error) {
	type mapping struct {
		r rune
		g uint16
	}
	var maps []mapping
	used := map[uint16]bool{0: true}
	for _, r := range runes {
		if r > 0xFFFE {
			continue
		}
		if g := f.glyph(r); g != 0 {
			maps = append(maps, mapping{r, g})
			f.addGlyph(used, g, 0)
		}
	}
	slices.SortFunc(maps, func(a, b mapping) int { return int(a.r - b.r) })
	maps = slices.CompactFunc(maps, func(a, b mapping) bool { return a.r == b.r })
	if len(maps) > 8000 {
		return nil, fmt.Errorf("truetype: %d characters is too many for one cmap format 4 table", len(maps))
	}

	// Renumber the kept glyphs in their old order; .notdef stays 0.
	ids := make([]uint16, 0, len(used))
	for g := range used {
		ids = append(ids, g)
	}
	slices.Sort(ids)
	newID := make(map[uint16]uint16, len(ids))
	for i, g := range ids {
		newID[g] = uint16(i)
	}

	// glyf with a long loca, component references rewritten; hmtx with a metric per glyph.
	src := f.tables["glyf"]
	size := 0
	for _, g := range ids {
		size += int(f.loca[g+1]-f.loca[g]) + 3
	}
	glyf := make([]byte, 0, size)
	loca := make([]byte, 4*(len(ids)+1))
	hmtx := make([]byte, 4*len(ids))
	for i, g := range ids {
		be.PutUint32(loca[4*i:], uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, src[f.loca[g]:f.loca[g+1]]...)
		forComponents(glyf[start:], func(ref []byte) { be.PutUint16(ref, newID[be.Uint16(ref)]) })
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		adv, lsb := f.metrics(g)
		be.PutUint16(hmtx[4*i:], adv)
		be.PutUint16(hmtx[4*i+2:], lsb)
	}
	be.PutUint32(loca[4*len(ids):], uint32(len(glyf)))
	for i := range maps {
		maps[i].g = newID[maps[i].g]
	}

	// cmap: one format 4 subtable (Windows, Unicode BMP), a segment per character.
	segs := len(maps) + 1
	sub := make([]byte, 16+8*segs)
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*segs))
	sr := 2
	sel := 0
	for sr*2 <= 2*segs {
		sr *= 2
		sel++
	}
	be.PutUint16(sub[8:], uint16(sr))
	be.PutUint16(sub[10:], uint16(sel))
	be.PutUint16(sub[12:], uint16(2*segs-sr))
	ends, starts, deltas := sub[14:], sub[16+2*segs:], sub[16+4*segs:] // rangeOffsets stay 0
	for i, m := range maps {
		be.PutUint16(ends[2*i:], uint16(m.r))
		be.PutUint16(starts[2*i:], uint16(m.r))
		be.PutUint16(deltas[2*i:], m.g-uint16(m.r))
	}
	be.PutUint16(ends[2*(segs-1):], 0xFFFF)
	be.PutUint16(starts[2*(segs-1):], 0xFFFF)
	be.PutUint16(deltas[2*(segs-1):], 1)
	cmap := append([]byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}, sub...)

	return f.build(len(ids), tables{cmap: cmap, glyf: glyf, loca: loca, hmtx: hmtx,
		head: slices.Clone(f.tables["head"]), hhea: slices.Clone(f.tables["hhea"]), maxp: slices.Clone(f.tables["maxp"])}), nil
}

// tables are the rebuilt tables of a new font.
type tables struct {
	cmap, glyf, loca, hmtx, head, hhea, maxp []byte
}

// build assembles a font of n glyphs from t (long loca) and f's post (without glyph names) and
// kept tables.
func (f *Font) build(n int, t tables) []byte {
	be.PutUint32(t.head[8:], 0)  // checkSumAdjustment: not checked by PDF readers nor renderers
	be.PutUint16(t.head[50:], 1) // long loca
	be.PutUint16(t.hhea[34:], uint16(n))
	be.PutUint16(t.maxp[4:], uint16(n))
	post := slices.Clone(f.tables["post"][:32])
	be.PutUint32(post, 0x00030000) // version 3: no glyph names

	out := map[string][]byte{"cmap": t.cmap, "glyf": t.glyf, "head": t.head, "hhea": t.hhea, "hmtx": t.hmtx, "loca": t.loca, "maxp": t.maxp, "post": post}
	for _, tag := range keep {
		if tb := f.tables[tag]; tb != nil {
			out[tag] = tb
		}
	}
	return assemble(out)
}

// metrics returns the advance width and left side bearing of glyph g.
func (f *Font) metrics(g uint16) (adv, lsb uint16) {
	hmtx := f.tables["hmtx"]
	n, i := f.numHMetrics, int(g)
	if i < n {
		if 4*i+4 <= len(hmtx) {
			return be.Uint16(hmtx[4*i:]), be.Uint16(hmtx[4*i+2:])
		}
		return 0, 0
	}
	if n > 0 && 4*n <= len(hmtx) {
		adv = be.Uint16(hmtx[4*(n-1):])
	}
	if p := 4*n + 2*(i-n); p+2 <= len(hmtx) {
		lsb = be.Uint16(hmtx[p:])
	}
	return adv, lsb
}

// addGlyph marks g and, for a composite glyph, its components as used.
func (f *Font) addGlyph(used map[uint16]bool, g uint16, depth int) {
	if int(g) >= f.numGlyphs || depth > 8 {
		return
	}
	used[g] = true
	forComponents(f.tables["glyf"][f.loca[g]:f.loca[g+1]], func(ref []byte) {
		if c := be.Uint16(ref); !used[c] {
			f.addGlyph(used, c, depth+1)
		}
	})
}

// forComponents calls fn with the two bytes holding the glyph index of each component of the
// composite glyph data; it does nothing for a simple glyph.
func forComponents(data []byte, fn func(ref []byte)) {
	if len(data) < 10 || int16(be.Uint16(data)) >= 0 {
		return
	}
	const (
		argsAreWords = 0x0001
		haveScale    = 0x0008
		moreComps    = 0x0020
		haveXYScale  = 0x0040
		haveTwoByTwo = 0x0080
	)
	p := 10
	for p+4 <= len(data) {
		flags := be.Uint16(data[p:])
		fn(data[p+2 : p+4])
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			return
		}
	}
}

// assemble writes tables as an sfnt with a sorted table directory and checksums.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	slices.Sort(tags)
	out := make([]byte, 12+16*len(tags), size)
	n := len(tags)
	sr, sel := 1, 0
	for sr*2 <= n {
		sr *= 2
		sel++
	}
	be.PutUint32(out[0:], 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16*sr))
	be.PutUint16(out[8:], uint16(sel))
	be.PutUint16(out[10:], uint16(16*(n-sr)))
	for i, tag := range tags {
		t := tables[tag]
		e := out[12+16*i:]
		copy(e, tag)
		be.PutUint32(e[4:], checksum(t))
		be.PutUint32(e[8:], uint32(len(out)))
		be.PutUint32(e[12:], uint32(len(t)))
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += be.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var w [4]byte
		copy(w[:], b)
		sum += be.Uint32(w[:])
	}
	return sum
}
