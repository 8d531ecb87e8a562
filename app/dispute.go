package app

import "time"

// GridDispute is a dispute a 网格员 found on a village round and registered from the phone app.
// The centre stores it once per Key, mints its 查询码 and routes it: to the village's hall, which
// then owns it, or, for a 重大 dispute, to the town (the centre's workspace), telling the village.
type GridDispute struct {
	// Key is the idempotency key the phone made when the 网格员 saved the record (its outbox
	// resends it until the centre answers); a second request with the same key returns the
	// first's case and stores nothing.
	Key      string    `json:"key"`
	Grid     int64     `json:"grid"`     // the small grid it was found in
	Service  string    `json:"service"`  // the village hall's dispute service code
	Category string    `json:"category"` // the dispute type (from the hall's catalogue)
	Summary  string    `json:"summary"`  // short summary, typed with the phone's input method
	Place    string    `json:"place"`    // household or address (personal data: shown masked)
	Risk     Risk      `json:"risk"`
	Parties  []Visitor `json:"parties"` // the parties; the first is the case's visitor
	FoundAt  time.Time `json:"found_at"`
	Photo    []byte    `json:"photo,omitempty"` // one JPEG, shrunk on the phone
}

// MaxDisputePhoto is the largest photo the centre keeps with a dispute, in bytes.
const MaxDisputePhoto = 512 << 10
