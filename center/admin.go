package center

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
)

// MinPassword is the shortest dashboard password accepted.
const MinPassword = 10

// HashPassword checks a new dashboard password's length and returns its bcrypt hash.
func HashPassword(password string) ([]byte, error) {
	if utf8.RuneCountInString(password) < MinPassword || len(password) > 72 {
		return nil, app.Errorf(app.EINVALID, "a password has %d to 72 characters", MinPassword)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, app.Errorf(app.EINTERNAL, "hash password: %v", err)
	}
	return h, nil
}

type adminPage struct {
	page
	Users  []User
	Roles  []Role
	Sites  []Site
	Tokens []Token
	Audit  []AuditEntry
	Events []RefusedEvent
	now    time.Time
}

// Expired reports whether a token has expired, for templates.
func (p adminPage) Expired(t Token) bool { return !p.now.Before(t.ExpiresAt) }

// adminView loads what the admin pages show and renders tab with the message or the secret.
func (s *Server) adminView(w http.ResponseWriter, r *http.Request, v visit, tab string, status int, errMsg, secret string) {
	ctx := r.Context()
	p := adminPage{page: s.page(r, v, tab, errMsg), Roles: Roles, now: s.now()}
	p.Secret = secret
	sites, err := s.web.Sites(ctx)
	if err == nil {
		p.Sites, p.sites = sites, s.catalogue(sites).Sites
		switch tab {
		case "users":
			p.Users, err = s.web.Users(ctx)
		case "tokens":
			p.Tokens, err = s.web.Tokens(ctx)
		case "audit":
			p.Audit, err = s.web.AuditLog(ctx, 500)
		case "refused":
			_, p.Events, err = s.web.RefusedEvents(ctx, 500)
		}
	}
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.render(w, r, status, tab, p)
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.adminView(w, r, v, "users", http.StatusOK, "", "")
}
func (s *Server) sitesPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.adminView(w, r, v, "sites", http.StatusOK, "", "")
}
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.adminView(w, r, v, "tokens", http.StatusOK, "", "")
}
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.audit(r, v, "audit.view", AuditEntry{})
	s.adminView(w, r, v, "audit", http.StatusOK, "", "")
}
func (s *Server) refusedPage(w http.ResponseWriter, r *http.Request, v visit) {
	s.adminView(w, r, v, "refused", http.StatusOK, "", "")
}

// adminDone finishes an admin form: the error shown on the page, or the action audited and the
// page shown again (with a new secret, if there is one).
func (s *Server) adminDone(w http.ResponseWriter, r *http.Request, v visit, tab string, err error, action string,
	e AuditEntry, secret string) {
	if err != nil {
		code := app.ErrorCode(err)
		status := app.HTTPStatus(code)
		if code == app.EINTERNAL {
			s.pageFail(w, r, err)
			return
		}
		s.adminView(w, r, v, tab, status, "操作未完成："+err.Error(), "")
		return
	}
	s.audit(r, v, action, e)
	if secret != "" {
		s.adminView(w, r, v, tab, http.StatusOK, "", secret)
		return
	}
	http.Redirect(w, r, "/dashboard/"+tab, http.StatusSeeOther)
}

// formAccess reads a role and a site scope from a form.
func formAccess(r *http.Request) (Role, int64, error) {
	role := Role(r.PostFormValue("role"))
	if !role.Valid() {
		return role, 0, app.Errorf(app.EINVALID, "unknown role")
	}
	site, err := strconv.ParseInt(cmp0(r.PostFormValue("site")), 10, 64)
	if err != nil || site < 0 {
		return role, 0, app.Errorf(app.EINVALID, "unknown site")
	}
	return role, site, nil
}

func cmp0(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	role, site, err := formAccess(r)
	var hash []byte
	if err == nil {
		err = ValidName(name)
	}
	if pw := r.PostFormValue("password"); err == nil && pw != "" {
		hash, err = HashPassword(pw)
	}
	var tok string
	if err == nil {
		var th []byte
		tok, th = NewToken()
		err = s.web.AddUser(ctx, name, th, time.Time{})
	}
	if err == nil {
		err = s.web.SetUserAccess(ctx, name, role, site)
	}
	if err == nil && hash != nil {
		err = s.web.SetPassword(ctx, name, hash)
	}
	s.adminDone(w, r, v, "users", err, "user.add", AuditEntry{Target: name, Site: site}, tok)
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request, v visit) {
	name := r.PathValue("name")
	role, site, err := formAccess(r)
	if err == nil {
		err = s.web.SetUserAccess(r.Context(), name, role, site)
	}
	s.adminDone(w, r, v, "users", err, "user.role", AuditEntry{Target: name, Site: site}, "")
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, v visit) {
	name := r.PathValue("name")
	hash, err := HashPassword(r.PostFormValue("password"))
	if err == nil {
		err = s.web.SetPassword(r.Context(), name, hash)
	}
	s.adminDone(w, r, v, "users", err, "user.password", AuditEntry{Target: name}, "")
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, v visit) {
	name := r.PathValue("name")
	err := s.web.DisableUser(r.Context(), name, s.now())
	s.adminDone(w, r, v, "users", err, "user.disable", AuditEntry{Target: name}, "")
}

// pathID reads the {id} of the path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENOTFOUND, "no such record")
	}
	return id, nil
}

func (s *Server) renameSite(w http.ResponseWriter, r *http.Request, v visit) {
	id, err := pathID(r)
	if err == nil {
		err = s.web.RenameSite(r.Context(), id, r.PostFormValue("name"))
	}
	s.adminDone(w, r, v, "sites", err, "site.rename", AuditEntry{Site: id}, "")
}

func (s *Server) setSitePhone(w http.ResponseWriter, r *http.Request, v visit) {
	id, err := pathID(r)
	if err == nil {
		err = s.web.SetSitePhone(r.Context(), id, r.PostFormValue("phone"))
	}
	s.adminDone(w, r, v, "sites", err, "site.phone", AuditEntry{Site: id}, "")
}

func (s *Server) rotateSiteToken(w http.ResponseWriter, r *http.Request, v visit) {
	id, err := pathID(r)
	days := DefaultSiteOverlap
	if d := r.PostFormValue("overlap_days"); err == nil && d != "" {
		n, perr := strconv.Atoi(d)
		if perr != nil || n < 0 || n > 90 {
			err = app.Errorf(app.EINVALID, "the overlap is 0 to 90 days")
		}
		days = time.Duration(n) * 24 * time.Hour
	}
	var tok string
	if err == nil {
		var th []byte
		tok, th = NewToken()
		if err = s.web.RotateSiteToken(r.Context(), id, th, s.now().Add(days)); err == nil {
			s.siteTokens.forget(id)
		}
	}
	s.adminDone(w, r, v, "sites", err, "site.token", AuditEntry{Site: id}, tok)
}

func (s *Server) addToken(w http.ResponseWriter, r *http.Request, v visit) {
	user := strings.TrimSpace(r.PostFormValue("user"))
	ttl, err := formTTL(r.PostFormValue("days"))
	var tok string
	if err == nil {
		var th []byte
		tok, th = NewToken()
		_, err = s.web.AddToken(r.Context(), user, th, s.now().Add(ttl))
	}
	s.adminDone(w, r, v, "tokens", err, "token.add", AuditEntry{Target: user}, tok)
}

// formTTL reads a token's lifetime in days (default DefaultTokenTTL, at most a year).
func formTTL(days string) (time.Duration, error) {
	if days == "" {
		return DefaultTokenTTL, nil
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 1 || n > 366 {
		return 0, app.Errorf(app.EINVALID, "a token lives 1 to 366 days")
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, v visit) {
	id, err := pathID(r)
	if err == nil {
		err = s.web.RevokeToken(r.Context(), id, s.now())
	}
	s.adminDone(w, r, v, "tokens", err, "token.revoke", AuditEntry{Target: "token " + strconv.FormatInt(id, 10)}, "")
}

// rotateToken revokes a token and gives its user a new one with the same lifetime.
func (s *Server) rotateToken(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	id, err := pathID(r)
	var old Token
	if err == nil {
		old, err = s.web.Token(ctx, id)
	}
	var tok string
	if err == nil {
		var th []byte
		tok, th = NewToken()
		_, err = s.web.AddToken(ctx, old.User, th, s.now().Add(old.ExpiresAt.Sub(old.CreatedAt)))
	}
	if err == nil {
		err = s.web.RevokeToken(ctx, id, s.now())
	}
	s.adminDone(w, r, v, "tokens", err, "token.rotate", AuditEntry{Target: "token " + strconv.FormatInt(id, 10)}, tok)
}
