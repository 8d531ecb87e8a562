package cli_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/cli"
)

// parse runs args through the real command tree with the work replaced by a recorder. It
// returns the options the command would have run with (nil if it would not have run, their
// streams cleared), the exit status and what went to stderr.
func parse(t *testing.T, args ...string) (opts any, code int, stderr string) {
	t.Helper()
	root := cli.NewCmdRoot(func(o any) error {
		opts = o
		return nil
	})
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	code = cli.Execute(context.Background(), root, args)
	if opts != nil {
		reflect.ValueOf(opts).Elem().FieldByName("IO").SetZero()
	}
	return opts, code, errOut.String()
}

type parseCase struct {
	name    string
	env     string // $FENGQIAO_CENTER_DB
	args    string // split on spaces
	want    any    // the options run with; nil when the line is refused
	wantErr string // in stderr when refused
}

// checkParse runs the cases: a line either runs its command with the options wanted, or is
// refused with exit status 2, the reason and the command's usage, and nothing runs.
func checkParse(t *testing.T, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cli.DBEnv, tt.env)
			got, code, stderr := parse(t, strings.Fields(tt.args)...)
			if tt.want == nil {
				if got != nil || code != cli.ExitUsage || !strings.Contains(stderr, tt.wantErr) ||
					!strings.Contains(stderr, "Usage:") {
					t.Errorf("%s: ran %+v, exit %d, stderr:\n%s\nwant refused, exit 2, with %q and the usage",
						tt.args, got, code, stderr, tt.wantErr)
				}
				return
			}
			if code != cli.ExitOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: exit %d, options\n%+v\nwant\n%+v\nstderr: %s", tt.args, code, got, tt.want, stderr)
			}
		})
	}
}

func TestParseServe(t *testing.T) {
	served := func(o cli.ServeOptions) *cli.ServeOptions {
		o.Listen = cmp.Or(o.Listen, ":8443")
		o.CentreName = cmp.Or(o.CentreName, "综治中心")
		o.ContactLimit = cmp.Or(o.ContactLimit, center.DefaultContactLimit)
		o.OverdueMemo = cmp.Or(o.OverdueMemo, center.DefaultOverdueMemo)
		o.GroupParties = cmp.Or(o.GroupParties, center.DefaultGroupParties)
		o.RemindAhead = cmp.Or(o.RemindAhead, 24*time.Hour)
		return &o
	}
	checkParse(t, []parseCase{
		{name: "db flag", args: "serve --db sqlite:a.db", want: served(cli.ServeOptions{DB: "sqlite:a.db"})},
		{name: "overdue memo", args: "serve --db X --overdue-memo 10s",
			want: served(cli.ServeOptions{DB: "X", OverdueMemo: 10 * time.Second})},
		{name: "reminder hook", args: "serve --db X --remind-url http://127.0.0.1:9000/sms --remind-ahead 2h",
			want: served(cli.ServeOptions{DB: "X", RemindURL: "http://127.0.0.1:9000/sms", RemindAhead: 2 * time.Hour})},
		{name: "db from the environment", env: "sqlite:env.db", args: "serve",
			want: served(cli.ServeOptions{DB: "sqlite:env.db"})},
		{name: "flag wins over the environment", env: "sqlite:env.db", args: "serve --db sqlite:a.db",
			want: served(cli.ServeOptions{DB: "sqlite:a.db"})},
		{name: "every flag",
			args: "serve --listen 127.0.0.1:8480 --tls-cert c.pem --tls-key k.pem --centre-name 枫桥镇 " +
				"--centre-phone 0575-1 --retain 1095d --trust-proxy --secure-cookies --db postgres://fq@db/fq",
			want: served(cli.ServeOptions{DB: "postgres://fq@db/fq", Listen: "127.0.0.1:8480", TLSCert: "c.pem",
				TLSKey: "k.pem", CentreName: "枫桥镇", CentrePhone: "0575-1", Retain: 1095, TrustProxy: true,
				SecureCookies: true})},
		{name: "retain without d", args: "serve --retain 30 --db X", want: served(cli.ServeOptions{DB: "X", Retain: 30})},
		{name: "single-dash long flags", args: "serve -db X -listen=:1 -trust-proxy -retain 7d",
			want: served(cli.ServeOptions{DB: "X", Listen: ":1", TrustProxy: true, Retain: 7})},
		{name: "a value that looks like a flag stays a value", args: "serve --centre-name -listen --db X",
			want: served(cli.ServeOptions{DB: "X", CentreName: "-listen"})},
		{name: "ID key and 群体性 parties", args: "serve --db X --id-key /etc/fengqiao-center/id.key --group-parties 8",
			want: served(cli.ServeOptions{DB: "X", IDKey: "/etc/fengqiao-center/id.key", GroupParties: 8})},
		{name: "no database", args: "serve", wantErr: "no database: give --db"},
		{name: "cert without key", args: "serve --db X --tls-cert c.pem", wantErr: "--tls-cert and --tls-key go together"},
		{name: "stray argument", args: "serve --db X now", wantErr: `unexpected argument "now"`},
		{name: "retain garbage", args: "serve --db X --retain 3y", wantErr: `invalid argument "3y" for "--retain"`},
		{name: "unknown flag", args: "serve --db X --port 80", wantErr: "unknown flag: --port"},
		{name: "single letters stay shorthands", args: "serve -d X", wantErr: "unknown shorthand flag: 'd'"},
	})
}

func TestParseSite(t *testing.T) {
	checkParse(t, []parseCase{
		// The old flag package stopped at NAME and printed the usage without a reason.
		{name: "flags after the name", args: "site add NAME --db X", want: &cli.SiteAddOptions{DB: "X", Name: "NAME"}},
		{name: "flags before the name", args: "site add --db X --phone 0575-87011001 枫源村",
			want: &cli.SiteAddOptions{DB: "X", Name: "枫源村", Phone: "0575-87011001"}},
		{name: "flags before the command", args: "site --db X add 枫源村",
			want: &cli.SiteAddOptions{DB: "X", Name: "枫源村"}},
		{name: "single-dash db", args: "site add -db X 枫源村", want: &cli.SiteAddOptions{DB: "X", Name: "枫源村"}},
		{name: "single-dash db=", args: "site add -db=X -phone=1 枫源村",
			want: &cli.SiteAddOptions{DB: "X", Name: "枫源村", Phone: "1"}},
		{name: "a name after --", args: "site add --db X -- -odd-", want: &cli.SiteAddOptions{DB: "X", Name: "-odd-"}},
		{name: "db from the environment", env: "sqlite:env.db", args: "site add 枫源村",
			want: &cli.SiteAddOptions{DB: "sqlite:env.db", Name: "枫源村"}},
		{name: "no name", args: "site add --db X", wantErr: "missing NAME"},
		{name: "two names", args: "site add A B --db X", wantErr: `unexpected argument "B"`},
		{name: "flag without value", args: "site add NAME --db", wantErr: "flag needs an argument: --db"},
		{name: "no database", args: "site add NAME", wantErr: "no database"},
		{name: "phone", args: "site phone 枫源村 0575-1 --db X",
			want: &cli.SitePhoneOptions{DB: "X", Name: "枫源村", Phone: "0575-1"}},
		{name: "phone missing", args: "site phone 枫源村 --db X", wantErr: "missing PHONE"},
		{name: "phone missing both", args: "site phone --db X", wantErr: "missing NAME PHONE"},
		{name: "no command", args: "site", wantErr: "missing command"},
		{name: "unknown command", args: "site remove A", wantErr: `unknown command "remove"`},
	})
}

func TestParseUser(t *testing.T) {
	checkParse(t, []parseCase{
		{name: "defaults", args: "user add --db X 李四",
			want: &cli.UserAddOptions{DB: "X", Name: "李四", Role: center.RoleStaff}},
		{name: "every flag", args: "user add fengyuan --role leader --site 枫源村 --password-stdin --db X",
			want: &cli.UserAddOptions{DB: "X", Name: "fengyuan", Role: center.RoleLeader, Site: "枫源村", PasswordStdin: true}},
		{name: "single-dash", args: "user add -db X -role readonly -password-stdin chakan",
			want: &cli.UserAddOptions{DB: "X", Name: "chakan", Role: center.RoleReadOnly, PasswordStdin: true}},
		{name: "bad role", args: "user add --db X --role boss N", wantErr: `--role must be readonly, staff, leader, admin, gridworker or gridleader, not "boss"`},
		{name: "no name", args: "user add --db X", wantErr: "missing NAME"},
		{name: "stray argument", args: "user add --db X A B", wantErr: `unexpected argument "B"`},
		{name: "unknown command", args: "user del A", wantErr: `unknown command "del"`},
	})
}

func TestParseAdmin(t *testing.T) {
	// admin returns the options of an admin command run with the arguments, the flags' defaults
	// changed by set.
	admin := func(set func(*cli.AdminOptions), args ...string) *cli.AdminOptions {
		o := &cli.AdminOptions{DB: "X", Args: append([]string{}, args...), Role: center.RoleStaff, TTL: center.DefaultTokenTTL,
			Overlap: center.DefaultSiteOverlap}
		if set != nil {
			set(o)
		}
		return o
	}
	checkParse(t, []parseCase{
		{name: "user list", args: "user list --db X", want: admin(nil)},
		{name: "user list db from the environment", env: "X", args: "user list", want: admin(nil)},
		{name: "user role flags after the name", args: "user role 李四 --role leader --site 枫源村 --db X",
			want: admin(func(o *cli.AdminOptions) { o.Role, o.Site = center.RoleLeader, "枫源村" }, "李四")},
		{name: "user role flags before the command", args: "user --db X role --role=admin 李四",
			want: admin(func(o *cli.AdminOptions) { o.Role = center.RoleAdmin }, "李四")},
		{name: "user password", args: "user password --db X 李四", want: admin(nil, "李四")},
		{name: "user disable", args: "user disable 李四 -db X", want: admin(nil, "李四")},
		{name: "user phone-revoke", args: "user phone-revoke 李四 -db X", want: admin(nil, "李四")},
		{name: "site list", args: "site --db X list", want: admin(nil)},
		{name: "site rename", args: "site rename 枫源村 --db X 枫源社区", want: admin(nil, "枫源村", "枫源社区")},
		{name: "site rotate", args: "site rotate 枫源村 --overlap 0s --db X",
			want: admin(func(o *cli.AdminOptions) { o.Overlap = 0 }, "枫源村")},
		{name: "site rotate longest overlap", args: "site rotate -overlap=2160h -db X 枫源村",
			want: admin(func(o *cli.AdminOptions) { o.Overlap = 90 * 24 * time.Hour }, "枫源村")},
		{name: "token list", args: "token list -db X", want: admin(nil)},
		{name: "token add", args: "token add --ttl 48h wangwu --db X",
			want: admin(func(o *cli.AdminOptions) { o.TTL = 48 * time.Hour }, "wangwu")},
		{name: "token add bounds", args: "token add --ttl 8784h --db X wangwu",
			want: admin(func(o *cli.AdminOptions) { o.TTL = 366 * 24 * time.Hour }, "wangwu")},
		{name: "token revoke", args: "token --db X revoke 3", want: admin(nil, "3")},
		{name: "token rotate", args: "token rotate 3 --db X", want: admin(nil, "3")},

		{name: "user list stray argument", args: "user list --db X all", wantErr: `unexpected argument "all"`},
		{name: "user list no database", args: "user list", wantErr: "no database"},
		{name: "user role no name", args: "user role --db X --role leader", wantErr: "missing NAME"},
		{name: "user role stray argument", args: "user role A --db X B", wantErr: `unexpected argument "B"`},
		{name: "user role bad role", args: "user role A --role boss --db X", wantErr: `--role must be readonly, staff, leader, admin, gridworker or gridleader, not "boss"`},
		{name: "user role flag of another command", args: "user role A --db X --ttl 48h", wantErr: "unknown flag: --ttl"},
		{name: "user password no name", args: "user password --db X", wantErr: "missing NAME"},
		{name: "user password stray argument", args: "user password A B --db X", wantErr: `unexpected argument "B"`},
		{name: "user password takes no password flag", args: "user password A --db X --password-stdin", wantErr: "unknown flag: --password-stdin"},
		{name: "user disable no name", args: "user disable --db X", wantErr: "missing NAME"},
		{name: "user disable stray argument", args: "user disable -db X A B", wantErr: `unexpected argument "B"`},
		{name: "site list stray argument", args: "site list --db X 枫源村", wantErr: `unexpected argument "枫源村"`},
		{name: "site rename no new name", args: "site rename 枫源村 --db X", wantErr: "missing NEW-NAME"},
		{name: "site rename stray argument", args: "site rename A B C --db X", wantErr: `unexpected argument "C"`},
		{name: "site rotate no name", args: "site rotate --db X --overlap 1h", wantErr: "missing NAME"},
		{name: "site rotate stray argument", args: "site rotate A 1h --db X", wantErr: `unexpected argument "1h"`},
		{name: "site rotate overlap in days", args: "site rotate A --db X --overlap 7", wantErr: `invalid argument "7" for "--overlap"`},
		{name: "site rotate negative overlap", args: "site rotate A --db X --overlap=-1h", wantErr: "--overlap must be 0s to 2160h0m0s"},
		{name: "site rotate overlap over 90 days", args: "site rotate A --db X --overlap 2161h", wantErr: "--overlap must be"},
		{name: "token no command", args: "token --db X", wantErr: "missing command"},
		{name: "token unknown command", args: "token delete 3 --db X", wantErr: `unknown command "delete"`},
		{name: "token list stray argument", args: "token list --db X wangwu", wantErr: `unexpected argument "wangwu"`},
		{name: "token add no user", args: "token add --db X --ttl 48h", wantErr: "missing USER"},
		{name: "token add stray argument", args: "token add A 48h --db X", wantErr: `unexpected argument "48h"`},
		{name: "token add ttl too short", args: "token add A --db X --ttl 23h", wantErr: "--ttl must be 24h0m0s to 8784h0m0s"},
		{name: "token add ttl too long", args: "token add A --db X --ttl 8785h", wantErr: "--ttl must be"},
		{name: "token add ttl in days", args: "token add A --db X --ttl 90", wantErr: `invalid argument "90" for "--ttl"`},
		{name: "token revoke no id", args: "token revoke --db X", wantErr: "missing ID"},
		{name: "token revoke stray argument", args: "token revoke 3 4 --db X", wantErr: `unexpected argument "4"`},
		{name: "token rotate no id", args: "token rotate --db X", wantErr: "missing ID"},
		{name: "token rotate flag of another command", args: "token rotate 3 --db X --ttl 48h", wantErr: "unknown flag: --ttl"},
	})
}

func TestParseRetention(t *testing.T) {
	checkParse(t, []parseCase{
		// The old flag package stopped at "d": the rest was ignored and $FENGQIAO_CENTER_DB purged.
		{name: "space before d", env: "sqlite:env.db", args: "retention --after 1095 d --db sqlite:b.db",
			wantErr: `unexpected argument "d"`},
		{name: "days with d", env: "sqlite:env.db", args: "retention --after 1095d --db sqlite:b.db",
			want: &cli.RetentionOptions{DB: "sqlite:b.db", After: 1095}},
		{name: "days without d", args: "retention --db sqlite:b.db --after 1095",
			want: &cli.RetentionOptions{DB: "sqlite:b.db", After: 1095}},
		{name: "single-dash", args: "retention -after 30 -db X", want: &cli.RetentionOptions{DB: "X", After: 30}},
		{name: "single-dash with =", args: "retention -db=X --after=7d", want: &cli.RetentionOptions{DB: "X", After: 7}},
		{name: "db from the environment", env: "sqlite:env.db", args: "retention --after 1d",
			want: &cli.RetentionOptions{DB: "sqlite:env.db", After: 1}},
		{name: "no after", args: "retention --db X", wantErr: "--after is required, e.g. --after 1095d"},
		{name: "garbage", args: "retention --db X --after 10x", wantErr: "want a number of days from 1 to 36500, e.g. 1095d"},
		{name: "negative", args: "retention --db X --after -5", wantErr: `invalid argument "-5" for "--after"`},
		{name: "no database", args: "retention --after 1095d", wantErr: "no database"},
	})
}

func TestParseDemo(t *testing.T) {
	checkParse(t, []parseCase{
		{name: "defaults", args: "demo --db X", want: &cli.DemoOptions{DB: "X", Seed: 1}},
		{name: "every flag", args: "demo --password demo-password-1 --seed 7 --db X",
			want: &cli.DemoOptions{DB: "X", Password: "demo-password-1", Seed: 7}},
		{name: "short password", args: "demo --db X --password short", wantErr: "--password needs at least 10 characters"},
		{name: "negative seed", args: "demo --db X --seed -1", wantErr: `invalid argument "-1" for "--seed"`},
		{name: "stray argument", args: "demo --db X town", wantErr: `unexpected argument "town"`},
	})
}

func TestParseBenchTracking(t *testing.T) {
	checkParse(t, []parseCase{
		{name: "defaults", args: "bench-tracking --db X", want: &cli.BenchTrackingOptions{DB: "X",
			URL: "http://127.0.0.1:8080", Duration: 20 * time.Second, Warmup: 3 * time.Second, Concurrency: 16}},
		{name: "every flag",
			args: "bench-tracking --db X --url http://[::1]:18081 --load 100000 --duration 15s --warmup 0s --concurrency 8",
			want: &cli.BenchTrackingOptions{DB: "X", URL: "http://[::1]:18081", Load: 100000, Duration: 15 * time.Second,
				Concurrency: 8}},
		{name: "not loopback", args: "bench-tracking --db X --url http://example.com", wantErr: "--url must be on a loopback"},
		{name: "no connections", args: "bench-tracking --db X --concurrency 0", wantErr: "cannot be zero"},
		{name: "bad duration", args: "bench-tracking --db X --duration 15", wantErr: `invalid argument "15" for "--duration"`},
	})
}

func TestParseRoot(t *testing.T) {
	checkParse(t, []parseCase{
		{name: "nothing", args: "", wantErr: "missing command"},
		{name: "typo", args: "servee --db X", wantErr: `unknown command "servee"; did you mean "serve"?`},
		{name: "unknown", args: "frobnicate", wantErr: `unknown command "frobnicate"`},
	})
}

// TestHelp checks that help goes to stdout with exit status 0, also asked for the old way, and
// that it shows the form of a day count.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"retention", "--help"}, {"retention", "-h"}, {"retention", "-help"},
		{"help", "retention"}} {
		root := cli.NewCmdRoot(func(any) error { t.Fatalf("%q ran the command", args); return nil })
		var out, errOut bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errOut)
		if code := cli.Execute(context.Background(), root, args); code != cli.ExitOK || errOut.Len() > 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
		help := out.String()
		if !strings.Contains(help, "fengqiao-center retention --after DAYS") ||
			!strings.Contains(help, "--after DAYS   strip cases closed longer ago than DAYS, e.g. 1095d") {
			t.Errorf("%q: help lacks the usage line or the form of --after:\n%s", args, help)
		}
	}
}

func TestCompletion(t *testing.T) {
	root := cli.NewCmdRoot(nil)
	var out bytes.Buffer
	root.SetOut(&out)
	if code := cli.Execute(context.Background(), root, []string{"completion", "bash"}); code != cli.ExitOK ||
		!strings.Contains(out.String(), "bash completion V2 for fengqiao-center") {
		t.Errorf("completion bash: exit %d, %.200q", code, out.String())
	}
}

// TestRunFailure checks that a failing command exits with status 1 and says why, without the
// usage.
func TestRunFailure(t *testing.T) {
	root := cli.NewCmdRoot(func(any) error { return errors.New("database locked") })
	var errOut bytes.Buffer
	root.SetErr(&errOut)
	code := cli.Execute(context.Background(), root, []string{"retention", "--db", "X", "--after", "1d"})
	if got := errOut.String(); code != cli.ExitError || got != "fengqiao-center retention: database locked\n" {
		t.Errorf("exit %d, stderr %q; want 1 and the reason alone", code, got)
	}
}

func TestDays(t *testing.T) {
	tests := []struct {
		in   string
		want cli.Days // 0: refused
	}{
		{"1095d", 1095}, {"1095", 1095}, {"1", 1}, {"36500d", 36500},
		{"", 0}, {"d", 0}, {"0d", 0}, {"-5d", 0}, {"36501", 0}, {"1095dd", 0}, {"1095 d", 0}, {"3y", 0}, {"1.5d", 0},
	}
	for _, tt := range tests {
		var d cli.Days
		err := d.Set(tt.in)
		if d != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("Set(%q) = %d, %v; want %d", tt.in, d, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "e.g. 1095d") {
			t.Errorf("Set(%q): %v does not show the form", tt.in, err)
		}
	}
	if d := cli.Days(1095); d.String() != "1095d" || d.Duration() != 1095*24*time.Hour {
		t.Errorf("Days(1095) = %s, %s", d.String(), d.Duration())
	}
}
