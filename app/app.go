// Package app holds Fengqiao's domain: services, queue tickets, windows, cases and the rules that
// govern them (numbering, the business day, priority fairness, the case lifecycle). It knows
// nothing of SQL, HTTP or Fyne; the store, hub and screens packages build on it.
package app

import (
	"errors"
	"fmt"
)

// Error codes carried by *Error. HTTPStatus maps them to HTTP statuses for the hub and the centre;
// screens map them to Chinese text.
const (
	ECONFLICT    = "conflict"     // the request clashes with the current state (e.g. window busy)
	EINVALID     = "invalid"      // the request itself is malformed or names unknown things
	ENOTFOUND    = "not_found"    // the thing named does not exist
	ECLOSED      = "hall_closed"  // outside opening hours
	ELIMIT       = "limit"        // per-ID daily ticket limit reached
	ENONE        = "none_waiting" // nobody waits for this window
	ETRANSITION  = "transition"   // a case status change that the lifecycle forbids
	ENOTOWNER    = "not_owner"    // the case is owned by someone else
	EPAUSED      = "window_paused"
	EUNAVAILABLE = "unavailable" // the hub cannot be reached or the store failed
	EINTERNAL    = "internal"
	// EIDEMPOTENCY: an Idempotency-Key already used for a different request.
	EIDEMPOTENCY = "idempotency_mismatch"

	EUNAUTHORIZED   = "unauthorized"    // no or an unknown bearer token
	EFORBIDDEN      = "forbidden"       // a valid token or session that may not make the call
	ETOOLARGE       = "too_large"       // a request body over the call's limit
	ENOTIMPLEMENTED = "not_implemented" // the server has no part that answers the call
	// EEPOCHBEHIND refuses a hall's push whose events overlap ids the centre applied under another
	// epoch of the same site: the hall was restored and must first recover what it lacks.
	EEPOCHBEHIND = "epoch_behind"
	// EBYNOTALLOWED refuses a centre API body that names its author: the author is the token's user.
	EBYNOTALLOWED = "by_not_allowed"
)

// Error is a domain error: a machine-readable code and an English message safe for logs and APIs
// (it never holds personal data).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other error
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
