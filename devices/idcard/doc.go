// Package idcard reads second-generation resident ID cards (居民身份证) and the related
// residence permits and permanent residence cards through a serial SAM-V reader
// (华视 CVR-100, 神思 SS628, 新中新 DKQ-A16D, 精伦 iDR210 and the like).
//
// The reader speaks the framed protocol of GA 467 over a serial line (8N1, 115200 baud by
// default):
//
//	host   -> reader: AA AA AA 96 69 | LEN_HI LEN_LO | CMD PARA [DATA...]    | CHK
//	reader -> host:   AA AA AA 96 69 | LEN_HI LEN_LO | SW1 SW2 SW3 [DATA...] | CHK
//
// The layers are:
//
//   - EncodeFrame, DecodeFrame and Scanner: the frame codec, with length and checksum
//     checks and resynchronisation on noise and partial frames.
//   - Reader: one reader on one serial port; every exchange honours a context and a
//     per-exchange deadline. Reader.ReadCard runs find → select → read and decodes the card.
//   - DecodeText and Identity: the 256-byte text block of the four card layouts, and
//     Identity.Check for the ID number's check digit and the card's validity period.
//   - Watcher: the kiosk's polling loop, which reports each card once per placement,
//     reopens the port when the reader is unplugged and reports its State.
//
// Reader status codes (SW3) become *StatusError values that match sentinels such as
// ErrNoCard with errors.Is; Message turns any error of this package into a short Chinese
// sentence fit for the kiosk screen. Error strings themselves stay English.
//
// Personal data never reaches logs: Identity's String, GoString, LogValue and MarshalJSON
// are masked. Use Identity.Record to obtain the full values on purpose.
package idcard
