package hub

import (
	"net/http"

	"fengqiao/app"
)

// SessionRequest is the body of the calls acting for a staff session. The session itself travels
// in the X-Staff-Session header (SessionHeader); Session is accepted and ignored, for clients of
// the first release.
type SessionRequest struct {
	Session string `json:"session,omitempty"`
}

// sessionToken returns the token of the staff session making the request, reading (and
// discarding) an old client's SessionRequest body.
func sessionToken(r *http.Request) (string, error) {
	if r.ContentLength != 0 {
		var req SessionRequest
		if err := readJSON(r, &req); err != nil {
			return "", err
		}
	}
	if s := principalOf(r.Context()).session; s != nil {
		return s.Token, nil
	}
	return "", app.Errorf(app.ESESSION, "sign in first")
}

// consoleRoutes adds the calls of the window console, display and rating pad (docs/api.md,
// "Console, display and rating"). They need a hall that also implements app.Console
// (store.Console); with any other hall they answer 501.
func (s *Server) consoleRoutes() {
	con, ok := s.hall.(app.Console)
	h := func(pattern string, rule Rule, fn func(con app.Console, w http.ResponseWriter, r *http.Request) error) {
		s.route(pattern, rule, func(w http.ResponseWriter, r *http.Request) error {
			if !ok {
				writeError(w, http.StatusNotImplemented, app.ENOTIMPLEMENTED, "this hub serves no window consoles")
				return nil
			}
			return fn(con, w, r)
		})
	}
	h("POST /api/v1/staff/sign-in", Rule{Roles: windowOnly}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		var req app.SignInRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		sess, err := con.SignIn(r.Context(), req)
		if err != nil {
			if app.ErrorCode(err) == app.ESIGNIN {
				s.log.Warn("staff sign-in refused", "window", req.Window) // never the name or PIN
			}
			return err
		}
		return writeJSON(w, http.StatusCreated, sess)
	})
	h("POST /api/v1/staff/sign-out", Rule{Roles: windowOnly, Session: true, Scope: ScopeSession}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		tok, err := sessionToken(r)
		if err != nil {
			return err
		}
		if err := con.SignOut(r.Context(), tok); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	h("POST /api/v1/staff/call-next", Rule{Roles: windowOnly, Session: true, Scope: ScopeSession}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		tok, err := sessionToken(r)
		if err != nil {
			return err
		}
		tk, err := con.CallNext(r.Context(), tok)
		if app.ErrorCode(err) == app.ENONE {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, tk)
	})
	h("POST /api/v1/staff/history", Rule{Roles: windowOnly, Session: true, Scope: ScopeSession}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		tok, err := sessionToken(r)
		if err != nil {
			return err
		}
		hist, err := con.History(r.Context(), tok)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, hist)
	})
	h("POST /api/v1/staff/reveal", Rule{Roles: windowOnly, Session: true, Scope: ScopeSession}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		tok, err := sessionToken(r)
		if err != nil {
			return err
		}
		v, err := con.Reveal(r.Context(), tok)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		return writeJSON(w, http.StatusOK, v)
	})
	h("GET /api/v1/windows/{id}/stats", Rule{Roles: windowOnly}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		id, err := windowID(r)
		if err != nil {
			return err
		}
		st, err := con.WindowStats(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, st)
	})
	h("POST /api/v1/ratings", Rule{Roles: []app.Role{app.RoleRating}}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		var req app.RateRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		rt, err := con.Rate(r.Context(), req)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, rt)
	})
	h("GET /api/v1/ratings", Rule{Roles: windowOnly, Session: true}, func(con app.Console, w http.ResponseWriter, r *http.Request) error {
		rs, err := con.Ratings(r.Context(), r.URL.Query().Get("flagged") == "1")
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rs)
	})
}
