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
// Extension A (U+3400–4DBF), which people's names often hold. TrueType, Apache-2.0.
//
//go:embed fonts/DroidSansFallback-ExtA.ttf
var FallbackFont []byte
