package center

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// The phone app (docs/centre.md "Phone app") is a static shell under /m/ — one page, its script,
// stylesheet, service worker, manifest and icons — and a JSON API under /m/api/. The shell holds
// no data, so the service worker can keep it for offline use; the script fetches the user's grids
// and records and keeps an outbox of the records made offline.

//go:embed web/phone
var phoneFS embed.FS

// phoneCSP allows only the centre's own scripts and styles: no inline script or style, no eval.
// Photos are previewed from blob: URLs.
const phoneCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Phone app cookies and headers.
const (
	phoneCookie     = "fq_phone"
	phoneCSRFHeader = "X-CSRF-Token"
	phonePath       = "/m/"
	// phoneDisputeBody is the most a dispute with its photo (base64 in JSON) may take.
	phoneDisputeBody = app.MaxDisputePhoto*4/3 + 64<<10
)

var phoneUsers = []Role{RoleGridWorker, RoleGridLeader}

// UsesPhone reports whether the role signs in on the phone app (网格员, 网格长).
func (r Role) UsesPhone() bool { return r == RoleGridWorker || r == RoleGridLeader }

// phoneFile is a file of the shell with its ETag.
type phoneFile struct {
	body []byte
	etag string
}

// loadPhoneShell reads the shell's files. The service worker's cache name is stamped with a hash
// of all of them, so a new release replaces the cached shell.
func loadPhoneShell() map[string]phoneFile {
	files := map[string]phoneFile{}
	all := sha256.New()
	names, _ := fs.Glob(phoneFS, "web/phone/*")
	for _, n := range names {
		b, _ := phoneFS.ReadFile(n)
		all.Write(b)
		files[path.Base(n)] = phoneFile{body: b}
	}
	version := hex.EncodeToString(all.Sum(nil))[:12]
	sw := files["sw.js"]
	sw.body = bytes.ReplaceAll(sw.body, []byte("__VERSION__"), []byte(version))
	files["sw.js"] = sw
	for n, f := range files {
		h := sha256.Sum256(f.body)
		f.etag = `"` + hex.EncodeToString(h[:8]) + `"`
		files[n] = f
	}
	return files
}

// routePhone registers the phone app's shell and API when the store keeps grid disputes.
func (s *Server) routePhone() {
	ps, ok := s.web.(PhoneStore)
	if !ok {
		return
	}
	s.phone = ps
	s.phoneShell = loadPhoneShell()
	s.route("GET /m/{$}", public(), s.phoneStatic)
	s.route("GET /m/{file}", public(), s.phoneStatic)
	s.route("POST /m/api/login", public(), s.phoneLogin)
	s.route("POST /m/api/logout", phoneSession(), s.phoneLogout)
	s.route("GET /m/api/me", phoneSession(), s.phoneMe)
	s.route("GET /m/api/records", phoneSession(), s.phoneRecords)
	dispute := phoneSession()
	dispute.MaxBody = phoneDisputeBody
	s.route("POST /m/api/disputes", dispute, s.phoneDispute)
	s.route("GET /m/api/tasks", phoneSession(), s.phoneTasks)
	s.route("POST /m/api/tasks/{id}", phoneSession(), s.phoneTaskDone)
	s.route("POST /dashboard/cases/{code}/gridtask", session(writers, OwnSite), s.assignGridTask)
	s.route("POST /dashboard/users/{name}/phone-revoke", session(admins, AllSites), s.revokePhone)
}

func phoneSession() Rule {
	return Rule{Auth: PhoneSession, Roles: phoneUsers, Reach: OwnSite, MaxBody: smallBody}
}

// phoneStatic serves a file of the shell.
func (s *Server) phoneStatic(w http.ResponseWriter, r *http.Request, _ visit) {
	name := r.PathValue("file")
	if name == "" {
		name = "index.html"
	}
	f, ok := s.phoneShell[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".webmanifest":
		ctype = "application/manifest+json"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	}
	h.Set("Content-Type", ctype)
	setPhoneHeaders(h)
	// Revalidate every time (a 304 costs a few bytes on a weak line); offline, the service worker
	// answers from its cache.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}

func setPhoneHeaders(h http.Header) {
	h.Set("Content-Security-Policy", phoneCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

// phoneSignedIn serves the phone API: a live phone session, a POST with the session's CSRF token
// in the X-CSRF-Token header, and a role the rule allows. Refusals are JSON; a revoked session is
// told apart (code session_revoked), for the phone wipes its outbox on it.
func (s *Server) phoneSignedIn(w http.ResponseWriter, r *http.Request, rule Rule, h handler) {
	var v visit
	var err error = app.Errorf(app.EUNAUTHORIZED, "no phone session")
	if c, cerr := r.Cookie(phoneCookie); cerr == nil && c.Value != "" {
		v.Session, v.User, err = s.phone.PhoneSession(r.Context(), HashToken(c.Value), s.now())
	}
	switch {
	case err != nil:
		// A revoked session keeps its cookie: every contact until it would have expired says
		// revoked, so a phone that missed the first answer still wipes its outbox.
		if code := app.ErrorCode(err); code == ESESSIONREVOKED || code == app.EUNAUTHORIZED {
			phoneJSON(w, http.StatusUnauthorized, wire.ErrorReply{Error: err.Error(), Code: code})
			return
		}
		s.phoneFail(w, r, err)
	case r.Method == http.MethodPost &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get(phoneCSRFHeader)), []byte(v.Session.CSRF)) != 1:
		s.phoneFail(w, r, app.Errorf(app.EFORBIDDEN, "the request lacks the session's CSRF token"))
	case !rule.Allows(v.User):
		s.phoneFail(w, r, app.Errorf(app.EFORBIDDEN, "the %s role may not use the phone app", v.User.Role))
	default:
		s.extendPhoneSession(w, r, v.Session)
		h(w, r, v)
	}
}

// extendPhoneSession keeps a used session alive for PhoneSessionTTL, renewing it at most daily.
func (s *Server) extendPhoneSession(w http.ResponseWriter, r *http.Request, ses Session) {
	now := s.now()
	if ses.ExpiresAt.Sub(now) > PhoneSessionTTL-24*time.Hour {
		return
	}
	if err := s.phone.ExtendPhoneSession(r.Context(), ses.TokenHash, now.Add(PhoneSessionTTL)); err != nil {
		s.log.ErrorContext(r.Context(), "extend phone session", "err", err)
		return
	}
	if c, err := r.Cookie(phoneCookie); err == nil {
		http.SetCookie(w, s.phoneCookie(c.Value, PhoneSessionTTL))
	}
}

func (s *Server) phoneCookie(token string, ttl time.Duration) *http.Cookie {
	maxAge := int(ttl / time.Second)
	if ttl < 0 {
		maxAge = -1
	}
	return &http.Cookie{Name: phoneCookie, Value: token, Path: phonePath, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: maxAge}
}

// phoneJSON writes a JSON answer of the phone API.
func phoneJSON(w http.ResponseWriter, status int, v any) {
	setPhoneHeaders(w.Header())
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, v)
}

// phoneFail answers an error of the phone API; internal errors are logged, not shown.
func (s *Server) phoneFail(w http.ResponseWriter, r *http.Request, err error) {
	setPhoneHeaders(w.Header())
	w.Header().Set("Cache-Control", "no-store")
	s.fail(w, r, err)
}

// phoneLogin signs a 网格员 or 网格长 in: a JSON body (which a form of another site cannot send
// without the browser asking first), the dashboard's rate limit and lockout, a 30-day session.
func (s *Server) phoneLogin(w http.ResponseWriter, r *http.Request, _ visit) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		s.phoneFail(w, r, app.Errorf(app.EINVALID, "sign-in takes a JSON body"))
		return
	}
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeBody(r, &req); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	user, status, msg, err := s.checkPassword(r, strings.TrimSpace(req.Username), req.Password)
	switch {
	case err != nil:
		s.phoneFail(w, r, err)
		return
	case msg != "":
		phoneJSON(w, status, wire.ErrorReply{Error: msg, Code: app.EUNAUTHORIZED})
		return
	case !phoneSession().Allows(user):
		phoneJSON(w, http.StatusForbidden, wire.ErrorReply{Error: "此账号不是网格员或网格长账号，请使用电脑登录综治中心。",
			Code: app.EFORBIDDEN})
		return
	}
	token, now := randomToken(), s.now()
	ses := Session{TokenHash: HashToken(token), UserID: user.ID, CSRF: randomToken(), CreatedAt: now,
		ExpiresAt: now.Add(PhoneSessionTTL)}
	if err := s.phone.CreatePhoneSession(r.Context(), ses); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "signed in on the phone app", "user", user.ID)
	s.audit(r, visit{User: user}, "phone.login", AuditEntry{Target: user.Name})
	http.SetCookie(w, s.phoneCookie(token, PhoneSessionTTL))
	s.writeMe(w, r, visit{User: user, Session: ses})
}

func (s *Server) phoneLogout(w http.ResponseWriter, r *http.Request, v visit) {
	if err := s.phone.EndPhoneSession(r.Context(), v.Session.TokenHash); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	http.SetCookie(w, s.phoneCookie("", -1))
	phoneJSON(w, http.StatusOK, struct{}{})
}
