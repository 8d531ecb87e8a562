package center

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"html/template"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
)

//go:embed web/*.html web/style.css web/book.css
var webFS embed.FS

var (
	pageCSS, _ = webFS.ReadFile("web/style.css")
	// cspHash lets the one inline stylesheet through the Content-Security-Policy; nothing else
	// (no script, no inline style attribute, no outside resource) is allowed.
	cspHash = func() string { h := sha256.Sum256(pageCSS); return base64.StdEncoding.EncodeToString(h[:]) }()
	csp     = "default-src 'none'; style-src 'sha256-" + cspHash + "'; img-src 'self' data:; form-action 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'"
)

// Cookie names. The session cookie holds a random token whose SHA-256 is the session's key.
const (
	sessionCookie = "fq_session"
	loginCookie   = "fq_login" // the sign-in form's CSRF token, before there is a session
	sessionTTL    = 12 * time.Hour
)

// Option configures the web pages of a Server.
type Option func(*Server)

// WithCentre sets the centre's name for page titles and its phone number, which the tracking
// page shows for a code it does not know.
func WithCentre(name, phone string) Option {
	return func(s *Server) { s.centre, s.centrePhone = name, phone }
}

// WithLocation sets the time zone of dates and months (default Asia/Shanghai).
func WithLocation(loc *time.Location) Option { return func(s *Server) { s.loc = loc } }

// WithServices sets the service catalogue: names and deadlines (default app.DefaultServices).
func WithServices(svcs []app.Service) Option { return func(s *Server) { s.services = svcs } }

// WithContactLimit sets how much of a site's opening hours may pass without contact before the
// dashboard warns (default DefaultContactLimit).
func WithContactLimit(d time.Duration) Option { return func(s *Server) { s.contactLimit = d } }

// WithClock sets the clock, for tests.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTrackLimit sets how many failed case look-ups a client address may make: burst at once,
// then perMinute (default 10 per minute, burst 20).
func WithTrackLimit(perMinute, burst int) Option {
	return func(s *Server) { s.trackLimit = newLimiter(s.web, "track", perMinute, burst, s.clock) }
}

// WithLockout sets the per-account sign-in lockout (default DefaultLockout).
func WithLockout(l Lockout) Option { return func(s *Server) { s.lockout = l } }

// WithSecureCookies marks the cookies Secure: set it when the server is reached over HTTPS.
func WithSecureCookies(on bool) Option { return func(s *Server) { s.secure = on } }

// WithTrustedProxy takes the client address from the last X-Forwarded-For entry, as a reverse
// proxy in front of the server appends it. Without a proxy a client could forge the header.
func WithTrustedProxy(on bool) Option { return func(s *Server) { s.trustProxy = on } }

func (s *Server) clock() time.Time { return s.now() }

// setupWeb mounts the tracking page and the dashboard when the store supports them.
func (s *Server) setupWeb(opts []Option) {
	s.now = time.Now
	s.loc = app.DefaultRules().Location
	s.services = app.DefaultServices()
	s.centre = "综治中心"
	s.trackLimit = newLimiter(s.web, "track", 10, 20, s.clock)
	s.loginLimit = newLimiter(s.web, "login", 5, 10, s.clock)
	s.lockout = DefaultLockout
	s.contactLimit = DefaultContactLimit
	s.groupParties = DefaultGroupParties
	for _, o := range opts {
		o(s)
	}
	s.tmpl = template.Must(template.New("").Funcs(template.FuncMap{
		"date":     func(t time.Time) string { return t.In(s.loc).Format(time.DateOnly) },
		"datetime": func(t time.Time) string { return t.In(s.loc).Format("2006-01-02 15:04") },
		"minutes":  func(sec float64) string { return formatMinutes(sec) },
		"wait":     Wait,
	}).Funcs(gridFuncs).ParseFS(webFS, "web/*.html"))
}

// routeWeb registers the tracking page, the sign-in and the dashboard.
func (s *Server) routeWeb() {
	s.route("GET /t/{code}", public(), s.track)
	s.routeBooking()
	s.route("GET /login", public(), s.loginForm)
	s.route("POST /login", public(), s.login)
	s.route("POST /logout", session(readers, OwnSite), s.logout)
	s.route("GET /dashboard", session(readers, OwnSite), s.ledgerPage)
	s.route("GET /dashboard/followups", session(readers, OwnSite), s.followUpsPage)
	s.route("POST /dashboard/followups", session(writers, OwnSite), s.recordFollowUp)
	s.route("GET /dashboard/hall", session(readers, OwnSite), s.hallPage)
	s.route("GET /dashboard/bookings", session(readers, OwnSite), s.bookingsPage)
	s.routeCases()
	s.routeGrids()
	s.route("GET /dashboard/ledger.xlsx", session(readers, OwnSite), s.exportLedger)
	s.route("GET /dashboard/report.pdf", session(readers, OwnSite), s.exportReport)
	s.route("GET /dashboard/refused", session(leaders, AllSites), s.refusedPage)
	s.route("GET /dashboard/users", session(leaders, AllSites), s.usersPage)
	s.route("POST /dashboard/users", session(admins, AllSites), s.addUser)
	s.route("POST /dashboard/users/{name}/role", session(admins, AllSites), s.setRole)
	s.route("POST /dashboard/users/{name}/password", session(admins, AllSites), s.resetPassword)
	s.route("POST /dashboard/users/{name}/disable", session(admins, AllSites), s.disableUser)
	s.route("GET /dashboard/sites", session(admins, AllSites), s.sitesPage)
	s.route("POST /dashboard/sites/{id}/name", session(admins, AllSites), s.renameSite)
	s.route("POST /dashboard/sites/{id}/phone", session(admins, AllSites), s.setSitePhone)
	s.route("POST /dashboard/sites/{id}/token", session(admins, AllSites), s.rotateSiteToken)
	s.route("GET /dashboard/tokens", session(admins, AllSites), s.tokensPage)
	s.route("POST /dashboard/tokens", session(admins, AllSites), s.addToken)
	s.route("POST /dashboard/tokens/{id}/revoke", session(admins, AllSites), s.revokeToken)
	s.route("POST /dashboard/tokens/{id}/rotate", session(admins, AllSites), s.rotateToken)
	s.route("GET /dashboard/audit", session(admins, AllSites), s.auditPage)
	s.routePhone()
	s.route("GET /{$}", public(), func(w http.ResponseWriter, r *http.Request, _ visit) {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	})
}

// clientIP returns the address that rate limits apply to.
func (s *Server) clientIP(r *http.Request) string {
	if s.trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// render executes a template into a buffer first, so a failure yields a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	s.writePage(w, status, csp, buf.Bytes())
}

// writePage writes a rendered page with the pages' headers and a Content-Security-Policy.
func (s *Server) writePage(w http.ResponseWriter, status int, policy string, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", policy)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(page)
}

// pageFail logs an internal error (never with personal data: errors name steps, not people) and
// shows a plain page.
func (s *Server) pageFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.Pattern, "err", err)
	http.Error(w, "内部错误，请稍后再试", http.StatusInternalServerError)
}

// randomToken returns 32 random bytes in hex.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// page is what every dashboard page shows.
type page struct {
	CSS      template.CSS
	Centre   string
	Title    string
	Tab      string
	User     User
	CSRF     string
	Error    string
	Leads    bool        // the user sees the users and the refused events
	Refused  int         // refused sync events, for the banner of leaders and admins
	Lost     []Freshness // the sites of the user's scope out of contact, for the banner
	Awaiting int         // escalations of the user's scope awaiting acceptance, for the nav link
	Replica  string      // the read replica's lag, for admins (replica.go)
	Lagging  bool        // the replica is behind
	Secret   string      // a token shown once
	sites    map[int64]string
	cat      *Catalogue // the catalogue the page loaded, if it did
	s        *Server
}

func (s *Server) page(r *http.Request, v visit, tab, errMsg string) page {
	p := page{CSS: template.CSS(pageCSS), Centre: s.centre, Tab: tab, User: v.User, CSRF: v.Session.CSRF, Error: errMsg,
		Title: cmp.Or(tabTitles[tab], "综治中心"), s: s}
	if p.Leads = session(leaders, AllSites).Allows(v.User); p.Leads {
		n, _, err := s.web.RefusedEvents(r.Context(), 0)
		if err != nil {
			s.log.ErrorContext(r.Context(), "count refused events", "err", err)
		}
		p.Refused = n
	}
	if v.User.Name != "" {
		p.Lost = s.lostSites(r.Context(), v.User.Scope())
		n, err := s.web.InboxCount(r.Context(), v.User.Scope())
		if err != nil {
			s.log.ErrorContext(r.Context(), "count escalation inbox", "err", err)
		}
		p.Awaiting = n
		p.Replica, p.Lagging = s.replicaStatus(r.Context(), v.User)
	}
	return p
}

var tabTitles = map[string]string{"ledger": "矛盾纠纷台账", "followups": "回访", "hall": "大厅统计", "users": "用户", "login": "登录",
	"sites": "站点", "tokens": "令牌", "audit": "审计日志", "refused": "拒收事件", "cases": "事项", "escalations": "上报待受理",
	"warning": "信息研判", "grids": "网格", "bookings": "预约统计"}

// SiteName returns a site's name for templates.
func (p page) SiteName(id int64) string { return p.sites[id] }

// ServiceName returns a service's name for templates.
func (p page) ServiceName(code string) string { return p.catalogue().Service(code).Name }

// SiteServiceName returns a service's name as the site names it, for templates.
func (p page) SiteServiceName(site int64, code string) string {
	return p.catalogue().SiteService(site, code).Name
}

func (p page) catalogue() Catalogue {
	if p.cat != nil {
		return *p.cat
	}
	return p.s.catalogue(nil)
}

func (s *Server) catalogue(sites []Site) Catalogue {
	c := Catalogue{Sites: map[int64]string{}, Services: s.services, SiteServices: map[int64][]app.Service{}, Location: s.loc,
		LastContact: map[int64]*time.Time{}, Town: cmp.Or(s.town(sites).Name, s.centre)}
	for _, st := range sites {
		c.Sites[st.ID], c.LastContact[st.ID] = st.Name, st.LastContact()
		if st.Catalogue != nil {
			c.SiteServices[st.ID] = st.Catalogue.Services
		}
	}
	return c
}

// ledgerRows loads the catalogue and the ledger rows the scope allows; the catalogue's Sites are
// the sites of the scope.
func (s *Server) ledgerRows(ctx context.Context, scope Scope) (Catalogue, []LedgerRow, error) {
	cat, err := s.loadCatalogue(ctx)
	if err != nil {
		return cat, nil, err
	}
	maps.DeleteFunc(cat.Sites, func(id int64, _ string) bool { return !scope.Allows(id) })
	rows, err := s.web.Ledger(ctx, scope)
	return cat, rows, err
}

func (s *Server) loadCatalogue(ctx context.Context) (Catalogue, error) {
	sites, err := s.sites(ctx)
	if err != nil {
		return Catalogue{}, err
	}
	return s.catalogue(sites), nil
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, _ visit) {
	s.showLogin(w, r, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/login", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	p := s.page(r, visit{}, "login", msg)
	p.CSRF = token
	s.render(w, r, status, "login", p)
}

// dummyHash is compared against when the user does not exist, so that an unknown name takes as
// long as a wrong password. It is computed on the first sign-in, not when the program starts.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("fengqiao-no-such-user"), bcrypt.DefaultCost)
	return h
})

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ visit) {
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.showLogin(w, r, http.StatusForbidden, "表单已失效，请重新登录。")
		return
	}
	user, status, msg, err := s.checkPassword(r, strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password"))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	if msg != "" {
		s.showLogin(w, r, status, msg)
		return
	}
	ctx := r.Context()
	if user.Role.UsesPhone() {
		// A 网格员 or 网格长 has no dashboard: send them to the phone app, which signs them in
		// itself, rather than into a dashboard that refuses them on every page.
		s.log.InfoContext(ctx, "phone user sent to the phone app", "user", user.ID)
		http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
		http.Redirect(w, r, phonePath, http.StatusSeeOther)
		return
	}
	token, now := randomToken(), s.now()
	ses := Session{TokenHash: HashToken(token), UserID: user.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := s.web.CreateSession(ctx, ses); err != nil {
		s.pageFail(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "signed in", "user", user.ID)
	s.audit(r, visit{User: user}, "login", AuditEntry{Target: user.Name})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	http.SetCookie(w, s.sessionCookie(token, sessionTTL))
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

// checkPassword checks a sign-in under the address's rate limit and the account's lockout. A
// refusal is a status and a message in Chinese, the same whether or not the account exists.
// Every refusal but the rate limit's own costs the address a token.
func (s *Server) checkPassword(r *http.Request, name, password string) (user User, status int, msg string, err error) {
	client, ctx := s.clientIP(r), r.Context()
	if ok, err := s.loginLimit.allow(ctx, client); err != nil || !ok {
		if err != nil {
			return user, 0, "", err
		}
		return user, http.StatusTooManyRequests, "登录失败次数过多，请稍后再试。", nil
	}
	user, status, msg, err = s.verifyPassword(r, name, password)
	if err == nil && status != 0 {
		err = s.loginLimit.charge(ctx, client)
	}
	return user, status, msg, err
}

// verifyPassword checks a sign-in against the account's lockout and password.
func (s *Server) verifyPassword(r *http.Request, name, password string) (user User, status int, msg string, err error) {
	ctx := r.Context()
	if ValidName(name) != nil {
		// No such account can exist: refuse as for a wrong password, without touching the lockout.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return user, http.StatusUnauthorized, "用户名或密码错误。", nil
	}
	until, err := s.web.LoginLockedUntil(ctx, name)
	if err != nil {
		return user, 0, "", err
	}
	if s.now().Before(until) {
		// The same answer whether or not the account exists, and whatever the password.
		return user, http.StatusTooManyRequests, "登录失败次数过多，请稍后再试。", nil
	}
	user, hash, err := s.web.Credentials(ctx, name)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		return user, 0, "", err
	}
	if err != nil || len(hash) == 0 {
		hash = dummyHash()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || !user.Role.Valid() || user.Disabled {
		s.log.InfoContext(ctx, "sign-in refused") // no name: it may be a mistyped password
		if err := s.web.LoginFailed(ctx, name, s.now(), s.lockout.Delay); err != nil {
			return User{}, 0, "", err
		}
		return User{}, http.StatusUnauthorized, "用户名或密码错误。", nil
	}
	if err := s.web.LoginSucceeded(ctx, name); err != nil {
		return user, 0, "", err
	}
	return user, 0, "", nil
}

func (s *Server) sessionCookie(token string, ttl time.Duration) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(ttl / time.Second)}
}

// NewSession signs a user in without a password and returns the session cookie's value: for
// the command that prepares the browser tests and for tests. The web sign-in is the normal way.
func NewSession(ctx context.Context, st WebStore, userName string, now time.Time) (string, error) {
	u, _, err := st.Credentials(ctx, userName)
	if err != nil {
		return "", err
	}
	token := randomToken()
	return token, st.CreateSession(ctx, Session{TokenHash: HashToken(token), UserID: u.ID, CSRF: randomToken(),
		CreatedAt: now, ExpiresAt: now.Add(sessionTTL)})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v visit) {
	if err := s.web.DeleteSession(r.Context(), v.Session.TokenHash); err != nil {
		s.pageFail(w, r, err)
		return
	}
	c := s.sessionCookie("", 0)
	c.MaxAge = -1
	http.SetCookie(w, c)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
