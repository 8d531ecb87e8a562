package truetype

import (
	"errors"
	"fmt"
	"slices"
)

// mergeUpTo is the last character Merge looks for: the Basic Multilingual Plane and the
// Supplementary Ideographic and Tertiary Ideographic Planes.
const mergeUpTo = 0x3FFFF

// Merge returns one TrueType font holding every glyph of base and, from each of extras in turn,
// the glyphs (with their components) of the characters that no font before it maps. The fonts
// must share base's units per em. The result keeps base's names, metrics and hinting programs;
// the glyphs taken from extras lose their instructions (they would call base's programs), and
// the character map is a single format 12 subtable (Windows, full Unicode). It fails when the
// glyphs would exceed the format's 65,535.
func Merge(base *Font, extras ...*Font) ([]byte, error) {
	upem := be.Uint16(base.tables["head"][18:])
	type mapping struct {
		r rune
		g uint32
	}
	var maps []mapping
	mapped := map[rune]bool{}
	for r := rune(0); r <= mergeUpTo; r++ {
		if g := base.glyph(r); g != 0 {
			maps = append(maps, mapping{r, uint32(g)})
			mapped[r] = true
		}
	}

	glyf := slices.Clone(base.tables["glyf"][:base.loca[base.numGlyphs]])
	for len(glyf)%4 != 0 {
		glyf = append(glyf, 0)
	}
	offsets := slices.Clone(base.loca)
	offsets[base.numGlyphs] = uint32(len(glyf))
	hmtx := make([]byte, 0, 4*base.numGlyphs)
	for g := range base.numGlyphs {
		adv, lsb := base.metrics(uint16(g))
		hmtx = be.AppendUint16(be.AppendUint16(hmtx, adv), lsb)
	}
	maxp := slices.Clone(base.tables["maxp"])
	head := slices.Clone(base.tables["head"])
	hhea := slices.Clone(base.tables["hhea"])
	next := base.numGlyphs

	for i, x := range extras {
		if u := be.Uint16(x.tables["head"][18:]); u != upem {
			return nil, fmt.Errorf("truetype: merge: font %d has %d units per em, base %d", i+1, u, upem)
		}
		used := map[uint16]bool{}
		var add []mapping
		for r := rune(0); r <= mergeUpTo; r++ {
			if g := x.glyph(r); g != 0 && !mapped[r] {
				add = append(add, mapping{r, uint32(g)})
				mapped[r] = true
				x.addGlyph(used, g, 0)
			}
		}
		ids := make([]uint16, 0, len(used))
		for g := range used {
			ids = append(ids, g)
		}
		slices.Sort(ids)
		if next+len(ids) > 0xFFFF {
			return nil, fmt.Errorf("truetype: merge: %d glyphs, more than a font can hold", next+len(ids))
		}
		newID := make(map[uint16]uint16, len(ids))
		for k, g := range ids {
			newID[g] = uint16(next + k)
		}
		src := x.tables["glyf"]
		for _, g := range ids {
			data := withoutInstructions(src[x.loca[g]:x.loca[g+1]])
			start := len(glyf)
			glyf = append(glyf, data...)
			forComponents(glyf[start:], func(ref []byte) { be.PutUint16(ref, newID[be.Uint16(ref)]) })
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
			offsets = append(offsets, uint32(len(glyf)))
			adv, lsb := x.metrics(g)
			hmtx = be.AppendUint16(be.AppendUint16(hmtx, adv), lsb)
		}
		for _, m := range add {
			maps = append(maps, mapping{m.r, uint32(newID[uint16(m.g)])})
		}
		next += len(ids)
		maxUint16(maxp, x.tables["maxp"], 6, 8, 10, 12, 28, 30) // points, contours, components
		maxUint16(hhea, x.tables["hhea"], 10)                   // advanceWidthMax
		minInt16(head, x.tables["head"], 36, 38)                // xMin, yMin
		maxInt16(head, x.tables["head"], 40, 42)                // xMax, yMax
	}
	loca := make([]byte, 0, 4*len(offsets))
	for _, o := range offsets {
		loca = be.AppendUint32(loca, o)
	}

	slices.SortFunc(maps, func(a, b mapping) int { return int(a.r - b.r) })
	// cmap: a format 12 subtable, one group per run of consecutive characters and glyphs.
	var groups []byte
	n := 0
	for i := 0; i < len(maps); {
		j := i + 1
		for j < len(maps) && maps[j].r == maps[j-1].r+1 && maps[j].g == maps[j-1].g+1 {
			j++
		}
		groups = be.AppendUint32(groups, uint32(maps[i].r))
		groups = be.AppendUint32(groups, uint32(maps[j-1].r))
		groups = be.AppendUint32(groups, maps[i].g)
		n++
		i = j
	}
	sub := be.AppendUint16(nil, 12)
	sub = be.AppendUint16(sub, 0)
	sub = be.AppendUint32(sub, uint32(16+len(groups)))
	sub = be.AppendUint32(sub, 0) // language
	sub = be.AppendUint32(sub, uint32(n))
	sub = append(sub, groups...)
	cmap := append([]byte{0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12}, sub...)

	return base.build(next, tables{cmap: cmap, glyf: glyf, loca: loca, hmtx: hmtx, head: head, hhea: hhea, maxp: maxp}), nil
}

// withoutInstructions returns glyph data with its TrueType instructions removed.
func withoutInstructions(data []byte) []byte {
	if len(data) < 10 {
		return data
	}
	nc := int(int16(be.Uint16(data)))
	if nc >= 0 { // simple glyph: endPtsOfContours, instructionLength, instructions, ...
		p := 10 + 2*nc
		if p+2 > len(data) {
			return data
		}
		l := int(be.Uint16(data[p:]))
		if l == 0 || p+2+l > len(data) {
			return data
		}
		out := append(slices.Clone(data[:p]), 0, 0)
		return append(out, data[p+2+l:]...)
	}
	end, last, err := componentsEnd(data)
	if err != nil {
		return data
	}
	out := slices.Clone(data[:end])
	be.PutUint16(out[last:], be.Uint16(out[last:])&^0x0100) // WE_HAVE_INSTRUCTIONS
	return out
}

// componentsEnd returns where the component records of composite glyph data end and where the
// last record's flags are.
func componentsEnd(data []byte) (end, last int, err error) {
	p := 10
	for p+4 <= len(data) {
		last = p
		flags := be.Uint16(data[p:])
		p += 4 + 2
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 2
		}
		switch {
		case flags&0x0008 != 0:
			p += 2
		case flags&0x0040 != 0:
			p += 4
		case flags&0x0080 != 0:
			p += 8
		}
		if flags&0x0020 == 0 { // no MORE_COMPONENTS
			if p > len(data) {
				break
			}
			return p, last, nil
		}
	}
	return 0, 0, errors.New("truncated composite glyph")
}

func maxUint16(dst, src []byte, offs ...int) {
	for _, o := range offs {
		if o+2 <= len(src) && o+2 <= len(dst) && be.Uint16(src[o:]) > be.Uint16(dst[o:]) {
			be.PutUint16(dst[o:], be.Uint16(src[o:]))
		}
	}
}

func minInt16(dst, src []byte, offs ...int) {
	for _, o := range offs {
		if int16(be.Uint16(src[o:])) < int16(be.Uint16(dst[o:])) {
			be.PutUint16(dst[o:], be.Uint16(src[o:]))
		}
	}
}

func maxInt16(dst, src []byte, offs ...int) {
	for _, o := range offs {
		if int16(be.Uint16(src[o:])) > int16(be.Uint16(dst[o:])) {
			be.PutUint16(dst[o:], be.Uint16(src[o:]))
		}
	}
}
