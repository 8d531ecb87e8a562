// Package assets holds the files embedded in the Fengqiao binary: the fonts that receipts and the
// kiosk theme draw Chinese text with. See fonts/README.md for their sources and licences.
package assets

import _ "embed" // for go:embed

// CJKFont is WenQuanYi Micro Hei (文泉驿微米黑) as a single-face TrueType file: Latin, CJK
// punctuation and the CJK Unified Ideographs, Apache-2.0.
//
//go:embed fonts/wqy-microhei.ttf
var CJKFont []byte

// FallbackFont is Droid Sans Fallback subset to the rare ideographs CJKFont lacks, above all CJK
// Extension A (U+3400–4DBF), which people's names often hold. TrueType, Apache-2.0, rescaled to
// CJKFont's 2048 units per em so that the two can be merged glyph for glyph.
//
//go:embed fonts/DroidSansFallback-ExtA.ttf
var FallbackFont []byte

// RareFont is HanaMinB (花園明朝B) subset to the 2,427 ideographs of CJK Extensions B–F (U+20000
// and up) that Unihan lists in a national or regional character standard or dictionary: the
// 通用规范汉字表, UnihanCore2020, HKSCS, JIS X 0213, Adobe-Japan1-6, IICore and 现代汉语词典 (the
// code points are in fonts/HanaMinB-ExtB.unicodes). The whole plane would add 30.7 MB (17.9 MB
// gzipped); see fonts/README.md. TrueType at 2048 units per em; Hanazono Font License or OFL-1.1.
//
//go:embed fonts/HanaMinB-ExtB.ttf
var RareFont []byte
