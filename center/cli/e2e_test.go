package cli_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// run runs the real command line with stdin and returns the exit status, stdout and stderr.
func run(ctx context.Context, t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := cli.NewCmdRoot(nil)
	var out, errOut bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	code = cli.Execute(ctx, root, args)
	return code, out.String(), errOut.String()
}

// mustRun runs the command line and fails the test unless it succeeds; it returns stdout.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := run(context.Background(), t, stdin, args...)
	if code != cli.ExitOK {
		t.Fatalf("%q: exit %d, stderr:\n%s", args, code, errOut)
	}
	return out
}

func openStore(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var tokenLine = regexp.MustCompile(`^[0-9a-f]{64}\n$`)

func TestSiteAddAndPhone(t *testing.T) {
	ctx := context.Background()
	dsn := centertest.SQLite(t)
	token := mustRun(t, "", "site", "add", "枫源村", "--db", dsn, "--phone", "0575-87011001")
	if !tokenLine.MatchString(token) {
		t.Fatalf("stdout %q, want the token alone", token)
	}
	st := openStore(t, dsn)
	p, err := st.Authenticate(ctx, center.HashToken(strings.TrimSpace(token)), time.Now())
	if err != nil || p.Site == nil || p.Site.Name != "枫源村" {
		t.Fatalf("the printed token authenticates %+v, %v; want site 枫源村", p, err)
	}
	mustRun(t, "", "site", "phone", "-db", dsn, "枫源村", "0575-87011002")
	if site, err := st.SiteByName(ctx, "枫源村"); err != nil || site.Phone != "0575-87011002" {
		t.Errorf("after site phone: %+v, %v", site, err)
	}
	if code, _, errOut := run(ctx, t, "", "site", "add", "--db", dsn, "枫源村"); code != cli.ExitError ||
		!strings.Contains(errOut, "exists already") {
		t.Errorf("adding the site again: exit %d, stderr %q; want 1, exists already", code, errOut)
	}
}

func TestUserAdd(t *testing.T) {
	ctx := context.Background()
	dsn := centertest.SQLite(t)
	mustRun(t, "", "site", "add", "--db", dsn, "枫源村")
	const password = "correct-horse-battery"
	token := mustRun(t, password+"\n", "user", "add", "fengyuan", "--db", dsn, "--role", "leader", "--site", "枫源村",
		"--password-stdin")
	st := openStore(t, dsn)
	if p, err := st.Authenticate(ctx, center.HashToken(strings.TrimSpace(token)), time.Now()); err != nil || p.User == nil || p.User.Name != "fengyuan" {
		t.Fatalf("the printed token authenticates %+v, %v; want user fengyuan", p, err)
	}
	u, hash, err := st.Credentials(ctx, "fengyuan")
	if err != nil || u.Role != center.RoleLeader || u.SiteName != "枫源村" {
		t.Errorf("user %+v, %v; want a leader of 枫源村", u, err)
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil {
		t.Errorf("the password from stdin does not sign in: %v", err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"user", "add", "--db", dsn, "--site", "无名村", "lisi"}, `no site named "无名村"`},
		{"short\n", []string{"user", "add", "--db", dsn, "--password-stdin", "lisi"}, "at least 10 characters"},
		{"\n", []string{"user", "add", "--db", dsn, "--password-stdin", "lisi"}, "first line of stdin is empty"},
	} {
		if code, _, errOut := run(ctx, t, tc.stdin, tc.args...); code != cli.ExitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 1, %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, _, err := st.Credentials(ctx, "lisi"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("a refused user was stored: %v", err)
	}
}

// TestRetentionUsesTheGivenDB checks that retention strips the database --db names and leaves
// the one $FENGQIAO_CENTER_DB names alone, and that a wrong line strips nothing.
func TestRetentionUsesTheGivenDB(t *testing.T) {
	ctx := context.Background()
	envDB := filepath.Join(t.TempDir(), "env.db")
	t.Setenv(cli.DBEnv, "sqlite:"+envDB)
	dsn := centertest.SQLite(t)
	st := openStore(t, dsn)
	site, err := st.AddSite(ctx, "枫源村", []byte("hash"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	old, recent := closedCase(site.ID, now.AddDate(-4, 0, 0)), closedCase(site.ID, now.AddDate(-1, 0, 0))
	if err := st.ImportCases(ctx, []*center.CaseState{old, recent}, nil); err != nil {
		t.Fatal(err)
	}
	stripped := func(code string) bool {
		var name string
		if err := st.DB().QueryRowContext(ctx, "SELECT name FROM cases WHERE code = ?", code).Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name == ""
	}

	code, _, errOut := run(ctx, t, "", "retention", "--after", "1095", "d", "--db", dsn)
	if code != cli.ExitUsage || !strings.Contains(errOut, `unexpected argument "d"`) || stripped(old.Case.Code) {
		t.Errorf("--after 1095 d: exit %d, stderr %q, old case stripped %v; want refused, nothing stripped",
			code, errOut, stripped(old.Case.Code))
	}
	out := mustRun(t, "", "retention", "--after", "1095d", "--db", dsn)
	if !strings.HasPrefix(out, "stripped personal data of 1 cases closed before ") {
		t.Errorf("stdout %q", out)
	}
	if !stripped(old.Case.Code) || stripped(recent.Case.Code) {
		t.Errorf("old case stripped %v, recent case stripped %v; want true, false",
			stripped(old.Case.Code), stripped(recent.Case.Code))
	}
	if _, err := os.Stat(envDB); !os.IsNotExist(err) {
		t.Errorf("the database of $%s was opened: %v", cli.DBEnv, err)
	}
}

// closedCase returns a case of the site closed at closed, with its visitor's identity.
func closedCase(site int64, closed time.Time) *center.CaseState {
	c := app.Case{Code: app.NewCaseCode(), Service: "mediation", Category: "邻里纠纷", Status: app.CaseClosed,
		Result: app.ResultResolved, Owner: app.OwnerHall, Unit: "司法所", OpenedAt: closed.AddDate(0, -1, 0),
		UpdatedAt: closed, ClosedAt: &closed,
		Visitor: &app.MaskedVisitor{Name: "张*", IDNumber: "3306**********0012", Phone: "138****0000"}}
	return &center.CaseState{Site: site, Case: c,
		Identity: &app.Visitor{Name: "张三", IDNumber: "330681199001010012", Phone: "13800000000"}}
}

func TestDemo(t *testing.T) {
	ctx := context.Background()
	dsn := centertest.SQLite(t)
	const password = "demo-password-1"
	if out := mustRun(t, "", "demo", "--db", dsn, "--password", password, "--seed", "2"); out != password+"\n" {
		t.Errorf("stdout %q, want the password", out)
	}
	st := openStore(t, dsn)
	if sites, err := st.Sites(ctx); err != nil || len(sites) != 12 {
		t.Errorf("%d sites, %v; want 12", len(sites), err)
	}
	u, hash, err := st.Credentials(ctx, "zhongxin")
	if err != nil || u.Role != center.RoleLeader || bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil {
		t.Errorf("zhongxin: %+v, %v, or the password does not sign in", u, err)
	}
}

// TestServeAndBenchTracking serves a database, measures it with bench-tracking, then stops the
// server through its context.
func TestServeAndBenchTracking(t *testing.T) {
	dsn := centertest.SQLite(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		code, _, _ := run(ctx, t, "", "serve", "--db", dsn, "--listen", addr, "--retain", "1095d")
		served <- code
	}()
	defer cancel()
	base := "http://" + addr
	waitServing(t, base, served)

	out := mustRun(t, "", "bench-tracking", "--db", dsn, "--url", base, "--load", "40", "--duration", "300ms",
		"--warmup", "0s", "--concurrency", "2")
	for _, want := range []string{"loaded 40 cases", "40 codes sampled", ", errors 0,", "latency p50 "} {
		if !strings.Contains(out, want) {
			t.Errorf("bench-tracking output lacks %q:\n%s", want, out)
		}
	}
	cancel()
	select {
	case code := <-served:
		if code != cli.ExitOK {
			t.Errorf("serve ended with exit %d after its context", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop with its context")
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitServing waits until the server at base answers, or fails if it ends first.
func waitServing(t *testing.T, base string, served <-chan int) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		select {
		case code := <-served:
			t.Fatalf("serve ended with exit %d", code)
		default:
		}
		if resp, err := http.Get(base + "/login"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not answer", base)
}
