package cli_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/cli"
	"fengqiao/center/sqlstore"
)

// forBackends runs test on a new, empty database of each backend.
func forBackends(t *testing.T, test func(t *testing.T, dsn string)) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) { test(t, b.DSN(t)) })
	}
}

// refused is a command line that must fail with the exit status and the reason in stderr.
type refused struct {
	stdin string
	args  []string
	code  int
	want  string
}

// checkRefused runs each line and checks its exit status and reason.
func checkRefused(t *testing.T, lines []refused) {
	t.Helper()
	for _, tc := range lines {
		code, out, errOut := run(context.Background(), t, tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
}

// authenticates reports whether the printed token is accepted at the time.
func authenticates(t *testing.T, st *sqlstore.Store, token string, at time.Time) bool {
	t.Helper()
	_, err := st.Authenticate(context.Background(), center.HashToken(strings.TrimSpace(token)), at)
	if err != nil && app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("authenticate: %v", err)
	}
	return err == nil
}

// row matches a line of a list whose columns are the words, separated by two spaces or more.
func row(words ...string) *regexp.Regexp {
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?m)^` + strings.Join(words, ` {2,}`) + ` *$`)
}

func TestAdminUsers(t *testing.T) {
	forBackends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		mustRun(t, "", "site", "add", "--db", dsn, "枫源村")
		const first, second = "correct-horse-battery", "battery-staple-horse"
		token := mustRun(t, first+"\n", "user", "add", "--db", dsn, "--password-stdin", "zhangsan")
		mustRun(t, "", "user", "add", "--db", dsn, "--role", "admin", "lisi")
		st := openStore(t, dsn)

		out := mustRun(t, "", "user", "list", "--db", dsn)
		for _, want := range []*regexp.Regexp{row("lisi", "admin", "all sites", "active"),
			row("zhangsan", "staff", "all sites", "active")} {
			if !want.MatchString(out) {
				t.Errorf("user list lacks %v:\n%s", want, out)
			}
		}

		mustRun(t, "", "user", "role", "zhangsan", "--role", "leader", "-site", "枫源村", "--db", dsn)
		if u, _, err := st.Credentials(ctx, "zhangsan"); err != nil || u.Role != center.RoleLeader || u.SiteName != "枫源村" {
			t.Errorf("after user role: %+v, %v; want a leader of 枫源村", u, err)
		}
		mustRun(t, "", "user", "--db", dsn, "role", "--role", "readonly", "zhangsan")
		if u, _, err := st.Credentials(ctx, "zhangsan"); err != nil || u.Role != center.RoleReadOnly || u.Site != 0 {
			t.Errorf("after user role without --site: %+v, %v; want readonly of every site", u, err)
		}

		mustRun(t, second+"\r\n", "user", "password", "zhangsan", "--db", dsn)
		signsIn := func(password string) bool {
			_, hash, err := st.Credentials(ctx, "zhangsan")
			return err == nil && bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
		}
		if !signsIn(second) || signsIn(first) {
			t.Errorf("after user password: new password signs in %v, old %v; want true, false", signsIn(second), signsIn(first))
		}

		checkRefused(t, []refused{
			{"short\n", []string{"user", "password", "--db", dsn, "zhangsan"}, cli.ExitError, "10 to 72 characters"},
			{"", []string{"user", "password", "--db", dsn, "zhangsan"}, cli.ExitError, "10 to 72 characters"},
			{first + "\n", []string{"user", "password", "--db", dsn, "nobody"}, cli.ExitError, "no such user"},
			{"", []string{"user", "role", "--db", dsn, "nobody"}, cli.ExitError, "no such user"},
			{"", []string{"user", "role", "--db", dsn, "--site", "无名村", "zhangsan"}, cli.ExitError, `no site named "无名村"`},
			{"", []string{"user", "role", "--db", dsn, "--role", "boss", "zhangsan"}, cli.ExitUsage, `not "boss"`},
			{"", []string{"user", "disable", "--db", dsn, "nobody"}, cli.ExitError, "no such user"},
		})
		if !signsIn(second) {
			t.Error("a refused password replaced the password")
		}
		if u, _, err := st.Credentials(ctx, "zhangsan"); err != nil || u.Role != center.RoleReadOnly {
			t.Errorf("a refused role change changed %+v, %v", u, err)
		}

		u, _, err := st.Credentials(ctx, "zhangsan")
		if err != nil {
			t.Fatal(err)
		}
		session := center.Session{TokenHash: center.HashToken("session"), UserID: u.ID, CSRF: "csrf",
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := st.CreateSession(ctx, session); err != nil {
			t.Fatal(err)
		}
		if !authenticates(t, st, token, time.Now()) {
			t.Fatal("the user's token is refused before user disable")
		}
		phone := center.Session{TokenHash: center.HashToken("phone"), UserID: u.ID, CSRF: "csrf",
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := st.CreatePhoneSession(ctx, phone); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.PhoneSession(ctx, phone.TokenHash, time.Now()); err != nil {
			t.Fatalf("the phone session before user phone-revoke: %v", err)
		}
		if code, _, errOut := run(ctx, t, "", "user", "phone-revoke", "zhangsan", "--db", dsn); code != cli.ExitOK ||
			!strings.Contains(errOut, "revoked 1 phone session") {
			t.Errorf("user phone-revoke: exit %d, said %q", code, errOut)
		}
		if _, _, err := st.PhoneSession(ctx, phone.TokenHash, time.Now()); err == nil {
			t.Error("the phone session lives on after user phone-revoke")
		}
		if _, _, err := st.Session(ctx, session.TokenHash, time.Now()); err != nil {
			t.Errorf("user phone-revoke ended the dashboard session too: %v", err)
		}
		checkRefused(t, []refused{{"", []string{"user", "phone-revoke", "--db", dsn, "nobody"}, cli.ExitError, "no such user"}})
		mustRun(t, "", "user", "disable", "zhangsan", "-db", dsn)
		if u, _, err := st.Credentials(ctx, "zhangsan"); err != nil || !u.Disabled {
			t.Errorf("after user disable: %+v, %v; want disabled", u, err)
		}
		if authenticates(t, st, token, time.Now()) {
			t.Error("the token of a disabled user authenticates")
		}
		if _, _, err := st.Session(ctx, session.TokenHash, time.Now()); err == nil {
			t.Error("the session of a disabled user lives on")
		}
		if out := mustRun(t, "", "user", "list", "--db", dsn); !row("zhangsan", "readonly", "all sites", "disabled").MatchString(out) {
			t.Errorf("user list does not show zhangsan disabled:\n%s", out)
		}
		checkRefused(t, []refused{{"", []string{"user", "disable", "--db", dsn, "zhangsan"}, cli.ExitError, "no such user"}})
	})
}

func TestAdminSites(t *testing.T) {
	forBackends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		old := mustRun(t, "", "site", "add", "--db", dsn, "--phone", "0575-87011001", "枫源村")
		mustRun(t, "", "site", "add", "--db", dsn, "枫溪村")
		st := openStore(t, dsn)

		out := mustRun(t, "", "site", "list", "--db", dsn)
		if !row("1", "枫源村", "0575-87011001", "0").MatchString(out) || !row("2", "枫溪村", "0").MatchString(out) {
			t.Errorf("site list:\n%s", out)
		}

		mustRun(t, "", "site", "rename", "枫源村", "--db", dsn, "枫源社区")
		if s, err := st.SiteByName(ctx, "枫源社区"); err != nil || s.ID != 1 || s.Phone != "0575-87011001" {
			t.Errorf("after site rename: %+v, %v; want site 1 with its phone", s, err)
		}
		if _, err := st.SiteByName(ctx, "枫源村"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("the old name still names a site: %v", err)
		}
		if !authenticates(t, st, old, time.Now()) {
			t.Error("a renamed site's token is refused")
		}

		before := time.Now()
		fresh := mustRun(t, "", "site", "rotate", "--overlap", "1h", "枫源社区", "--db", dsn)
		if !tokenLine.MatchString(fresh) || fresh == old {
			t.Fatalf("site rotate printed %q; want a new token alone", fresh)
		}
		during, after := before.Add(59*time.Minute), time.Now().Add(time.Hour+time.Second)
		for _, tc := range []struct {
			name, token string
			at          time.Time
			want        bool
		}{
			{"old token now", old, time.Now(), true},
			{"old token during the overlap", old, during, true},
			{"old token after the overlap", old, after, false},
			{"new token now", fresh, time.Now(), true},
			{"new token after the overlap", fresh, after, true},
		} {
			if got := authenticates(t, st, tc.token, tc.at); got != tc.want {
				t.Errorf("%s: authenticates %v, want %v", tc.name, got, tc.want)
			}
		}

		third := mustRun(t, "", "site", "rotate", "-overlap", "0s", "-db", dsn, "枫源社区")
		if authenticates(t, st, fresh, time.Now()) || !authenticates(t, st, third, time.Now()) {
			t.Error("after a rotation without overlap, the previous token works or the new one does not")
		}
		if authenticates(t, st, old, time.Now()) {
			t.Error("the token before the previous one works after a second rotation")
		}

		checkRefused(t, []refused{
			{"", []string{"site", "rename", "--db", dsn, "枫源社区", "枫溪村"}, cli.ExitError, "exists already"},
			{"", []string{"site", "rename", "--db", dsn, "无名村", "有名村"}, cli.ExitError, `no site named "无名村"`},
			{"", []string{"site", "rename", "--db", dsn, "枫溪村", " "}, cli.ExitError, "a site needs a name"},
			{"", []string{"site", "rotate", "--db", dsn, "无名村"}, cli.ExitError, `no site named "无名村"`},
			{"", []string{"site", "rotate", "--db", dsn, "--overlap", "-1h", "枫溪村"}, cli.ExitUsage, "--overlap must be"},
			{"", []string{"site", "rotate", "--db", dsn, "--overlap", "2161h", "枫溪村"}, cli.ExitUsage, "--overlap must be"},
		})
		if s, err := st.SiteByName(ctx, "枫溪村"); err != nil || s.ID != 2 {
			t.Errorf("a refused rename changed site 2: %+v, %v", s, err)
		}
	})
}

func TestAdminTokens(t *testing.T) {
	forBackends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		first := mustRun(t, "", "user", "add", "--db", dsn, "wangwu")
		st := openStore(t, dsn)
		tokenOf := func(token string) center.Token {
			t.Helper()
			p, err := st.Authenticate(ctx, center.HashToken(strings.TrimSpace(token)), time.Now())
			if err != nil {
				t.Fatalf("the token is refused: %v", err)
			}
			tok, err := st.Token(ctx, p.TokenID)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}

		added := time.Now()
		second := mustRun(t, "", "token", "add", "wangwu", "--ttl", "48h", "--db", dsn)
		if !tokenLine.MatchString(second) {
			t.Fatalf("token add printed %q; want the token alone", second)
		}
		tok := tokenOf(second)
		if tok.User != "wangwu" || tok.ExpiresAt.Sub(added).Round(time.Minute) != 48*time.Hour {
			t.Errorf("token add --ttl 48h: %+v; want wangwu's, expiring in 48h", tok)
		}
		if authenticates(t, st, second, added.Add(49*time.Hour)) {
			t.Error("a token with --ttl 48h authenticates after 49h")
		}
		if d := tokenOf(first).ExpiresAt.Sub(added).Round(time.Hour); d != center.DefaultTokenTTL {
			t.Errorf("user add's token lives %s, want %s", d, center.DefaultTokenTTL)
		}

		id := strconv.FormatInt(tok.ID, 10)
		out := mustRun(t, "", "token", "list", "--db", dsn)
		if !row(id, "wangwu", tok.ExpiresAt.Format(time.DateOnly), "live").MatchString(out) {
			t.Errorf("token list lacks token %s:\n%s", id, out)
		}

		third := mustRun(t, "", "token", "--db", dsn, "rotate", id)
		if authenticates(t, st, second, time.Now()) {
			t.Error("a rotated token still authenticates")
		}
		if rotated := tokenOf(third); rotated.User != "wangwu" ||
			rotated.ExpiresAt.Sub(rotated.CreatedAt).Round(time.Minute) != 48*time.Hour {
			t.Errorf("the token of token rotate: %+v; want wangwu's, with the 48h lifetime of the old one", rotated)
		}

		revoked := strconv.FormatInt(tokenOf(third).ID, 10)
		mustRun(t, "", "token", "revoke", "-db", dsn, revoked)
		if authenticates(t, st, third, time.Now()) {
			t.Error("a revoked token still authenticates")
		}
		if !authenticates(t, st, first, time.Now()) {
			t.Error("revoking one token refused the user's other token")
		}
		out = mustRun(t, "", "token", "list", "--db", dsn)
		for _, want := range []*regexp.Regexp{row(id, "wangwu", tok.ExpiresAt.Format(time.DateOnly), "expired or revoked"),
			regexp.MustCompile(`(?m)^` + revoked + ` .*expired or revoked *$`)} {
			if !want.MatchString(out) {
				t.Errorf("token list lacks %v:\n%s", want, out)
			}
		}

		checkRefused(t, []refused{
			{"", []string{"token", "add", "--db", dsn, "nobody"}, cli.ExitError, "no such user"},
			{"", []string{"token", "add", "--db", dsn, "--ttl", "1h", "wangwu"}, cli.ExitUsage, "--ttl must be"},
			{"", []string{"token", "add", "--db", dsn, "--ttl", "8785h", "wangwu"}, cli.ExitUsage, "--ttl must be"},
			{"", []string{"token", "revoke", "--db", dsn, "999"}, cli.ExitError, "no such token"},
			{"", []string{"token", "rotate", "--db", dsn, "999"}, cli.ExitError, "no such token"},
			{"", []string{"token", "revoke", "--db", dsn, "abc"}, cli.ExitUsage, `ID must be a token number, not "abc"`},
			{"", []string{"token", "rotate", "--db", dsn, "-1"}, cli.ExitUsage, `unknown shorthand flag: '1'`},
		})
		if toks, err := st.Tokens(ctx); err != nil || len(toks) != 3 {
			t.Errorf("%d tokens, %v; want 3: refused lines added none", len(toks), err)
		}
	})
}
