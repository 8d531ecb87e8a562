package hub_test

import (
	"encoding/json"
	"testing"

	"fengqiao/hub"
)

// An Idempotency-Key repeated with another body, path or method is refused with 422, not answered
// with the first request's result; the same request under the key still gets the first result.
func TestIdempotencyKeyReusedForAnotherRequest(t *testing.T) {
	srv, _ := newHub(t)
	first := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"petition"}`, "Idempotency-Key", "k-1")
	if first.status != 201 {
		t.Fatalf("issue: %d %s", first.status, first.body)
	}
	if r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"petition"}`, "Idempotency-Key", "k-1"); r.status != 201 || r.body != first.body {
		t.Fatalf("same request again: %d %s, want the first result %s", r.status, r.body, first.body)
	}
	for _, tc := range []struct{ name, path, body string }{
		{"other body", "/api/v1/tickets", `{"service":"legal"}`},
		{"other path", "/api/v1/help", `{"source":"大厅自助机"}`},
	} {
		r := call(t, srv, "POST", tc.path, kiosk, tc.body, "Idempotency-Key", "k-1")
		var e hub.ErrorBody
		if err := json.Unmarshal([]byte(r.body), &e); r.status != 422 || err != nil || e.Code != "idempotency_mismatch" || e.Error == "" {
			t.Errorf("%s under a used key: %d %s, want 422 idempotency_mismatch", tc.name, r.status, r.body)
		}
	}
	if r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal"}`, "Idempotency-Key", "k-2"); r.status != 201 {
		t.Errorf("fresh key: %d %s", r.status, r.body)
	}
}
