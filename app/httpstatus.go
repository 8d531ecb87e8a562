package app

import "net/http"

// httpStatus is the one table from error code to HTTP status, for the hall's hub and the centre
// alike (docs/api.md and docs/sync.md list it).
var httpStatus = map[string]int{
	EINVALID:      http.StatusBadRequest,
	EBYNOTALLOWED: http.StatusBadRequest,

	EUNAUTHORIZED: http.StatusUnauthorized,

	EFORBIDDEN: http.StatusForbidden,
	ESIGNIN:    http.StatusForbidden,
	ESESSION:   http.StatusForbidden,

	ENOTFOUND: http.StatusNotFound,

	ECONFLICT:    http.StatusConflict,
	ENOTOWNER:    http.StatusConflict, // the case is there, but its state (its owner) forbids the change
	ETRANSITION:  http.StatusConflict,
	ECLOSED:      http.StatusConflict,
	EPAUSED:      http.StatusConflict,
	ELIMIT:       http.StatusConflict,
	EEPOCHBEHIND: http.StatusConflict,

	ETOOLARGE: http.StatusRequestEntityTooLarge,

	EIDEMPOTENCY: http.StatusUnprocessableEntity,

	EINTERNAL:       http.StatusInternalServerError,
	ENOTIMPLEMENTED: http.StatusNotImplemented,
	EUNAVAILABLE:    http.StatusServiceUnavailable,
}

// HTTPStatus returns the HTTP status that answers an error with the given code; 500 for a code
// it does not know. ENONE has no status: the calls that can return it answer 204 No Content.
func HTTPStatus(code string) int {
	if s, ok := httpStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
