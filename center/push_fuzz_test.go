package center

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fengqiao/app"
	"fengqiao/wire"
)

// decodePush decodes body as the centre's push endpoint does: the body under its limit, then the
// batch.
func decodePush(body []byte) (wire.PushRequest, []Decoded, error) {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/sync/events", bytes.NewReader(body))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, pushBody)
	var req wire.PushRequest
	if err := decodeBody(r, &req); err != nil {
		return req, nil, err
	}
	d, err := Decode(req.Events)
	return req, d, err
}

// FuzzDecodePush checks the decoding of a hall's push body (corpus: testdata/fuzz/FuzzDecodePush).
// A body the centre refuses gets an EINVALID or ETOOLARGE error. A batch it accepts holds at most
// wire.MaxBatch events, one decoded event for each, with positive, strictly increasing ids, a
// time, a body of the event's kind, a ticket in every ticket event, a canonical case code in
// every case event and the identity exactly when one was sent; and it decodes the same once
// encoded again, as the hall would resend it.
func FuzzDecodePush(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		req, decoded, err := decodePush(body)
		if err != nil {
			if c := app.ErrorCode(err); c != app.EINVALID && c != app.ETOOLARGE {
				t.Fatalf("refused with %q (%v), want %s or %s", c, err, app.EINVALID, app.ETOOLARGE)
			}
			if req.Events != nil && len(req.Events) > wire.MaxBatch && !strings.Contains(err.Error(), "at most") {
				t.Fatalf("a batch of %d events refused for another reason: %v", len(req.Events), err)
			}
			return
		}
		if len(req.Events) > wire.MaxBatch || len(decoded) != len(req.Events) {
			t.Fatalf("accepted %d events, decoded %d (limit %d)", len(req.Events), len(decoded), wire.MaxBatch)
		}
		var last int64
		for i, d := range decoded {
			private := len(d.Private) > 0 && string(d.Private) != "null"
			switch {
			case d.ID <= last:
				t.Fatalf("event #%d: id %d after %d", i, d.ID, last)
			case d.At.IsZero() || d.Kind == "" || d.Body.Kind != d.Kind:
				t.Fatalf("event #%d: at %v, kind %q, body kind %q", i, d.At, d.Kind, d.Body.Kind)
			case d.Kind.OfTicket() && (d.Body.Ticket == nil || d.Body.Ticket.ID <= 0):
				t.Fatalf("event #%d: %s without a ticket", i, d.Kind)
			case (d.Visitor != nil) != private:
				t.Fatalf("event #%d: visitor %v for private %q", i, d.Visitor != nil, d.Private)
			}
			if d.Kind.OfCase() {
				if d.Body.Case == nil {
					t.Fatalf("event #%d: %s without a case", i, d.Kind)
				}
				if c, err := app.ParseCaseCode(d.Body.Case.Code); err != nil || c != d.Body.Case.Code {
					t.Fatalf("event #%d: case code %q is not canonical", i, d.Body.Case.Code)
				}
			}
			last = d.ID
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("encode the accepted batch: %v", err)
		}
		req2, decoded2, err := decodePush(again)
		if err != nil || len(decoded2) != len(decoded) || req2.Epoch != req.Epoch || req2.RecoveredThrough != req.RecoveredThrough {
			t.Fatalf("the batch encoded again decodes to %d events, %v (was %d)", len(decoded2), err, len(decoded))
		}
		for i := range decoded {
			a, b := decoded[i], decoded2[i]
			if a.ID != b.ID || !a.At.Equal(b.At) || a.Kind != b.Kind || (a.Visitor == nil) != (b.Visitor == nil) {
				t.Fatalf("event #%d decodes differently once encoded again", i)
			}
		}
	})
}
