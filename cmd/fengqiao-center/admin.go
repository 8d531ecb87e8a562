package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/center"
	"fengqiao/center/demo"
	"fengqiao/center/sqlstore"
)

// minPassword is the shortest dashboard password accepted.
const minPassword = 10

// addUser registers a user with an API token hash, a role and site scope, and optionally a
// dashboard password.
func addUser(ctx context.Context, st *sqlstore.Store, name string, role center.Role, siteName, password string,
	tokenHash []byte) error {
	var site int64
	if siteName != "" {
		s, err := st.SiteByName(ctx, siteName)
		if err != nil {
			return err
		}
		site = s.ID
	}
	if password != "" && len([]rune(password)) < minPassword {
		return fmt.Errorf("user add: the password needs at least %d characters", minPassword)
	}
	if err := st.AddUser(ctx, name, tokenHash); err != nil {
		return err
	}
	if err := st.SetUserAccess(ctx, name, role, site); err != nil {
		return err
	}
	if password == "" {
		return nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("user add: hash password: %w", err)
	}
	return st.SetPassword(ctx, name, hash)
}

func sitePhone(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("site phone", flag.ContinueOnError)
	dsn := dbFlag(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 || *dsn == "" {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	site, err := st.SiteByName(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	return st.SetSitePhone(ctx, site.ID, fs.Arg(1))
}

// parseDays reads a period as a number of days, "1095d" or "1095".
func parseDays(s string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a number of days such as 1095d", s)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func retention(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	dsn := dbFlag(fs)
	after := fs.String("after", "", "strip cases closed longer ago than this many days, e.g. 1095d")
	if err := fs.Parse(args); err != nil || *dsn == "" || *after == "" {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	keep, err := parseDays(*after)
	if err != nil {
		return fmt.Errorf("retention: --after: %w", err)
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.StripPersonalData(ctx, time.Now().Add(-keep))
	if err != nil {
		return err
	}
	fmt.Printf("stripped personal data of %d cases closed before %s\n", n, time.Now().Add(-keep).Format(time.DateOnly))
	return nil
}

// retainLoop applies the retention rule at start and then daily until ctx ends.
func retainLoop(ctx context.Context, st center.WebStore, keep time.Duration) {
	for {
		n, err := st.StripPersonalData(ctx, time.Now().Add(-keep))
		switch {
		case errors.Is(err, context.Canceled):
			return
		case err != nil:
			slog.ErrorContext(ctx, "retention", "err", err)
		case n > 0:
			slog.InfoContext(ctx, "retention: personal data stripped", "cases", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

// demoUsers are the users of the demonstration town: site "" sees every site.
var demoUsers = []struct {
	name string
	role center.Role
	site string
}{
	{"zhongxin", center.RoleLeader, ""},
	{"gongzuo", center.RoleStaff, ""},
	{"chakan", center.RoleReadOnly, ""},
	{"fengyuan", center.RoleStaff, "枫源村"},
}

func buildDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dsn := dbFlag(fs)
	password := fs.String("password", "", "password of the demo users (default: a random one, printed)")
	seed := fs.Uint64("seed", 1, "varies names and dates; the totals never change")
	if err := fs.Parse(args); err != nil || *dsn == "" {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := demo.Build(ctx, st, time.Now(), *seed)
	if err != nil {
		return err
	}
	pw := *password
	if pw == "" {
		pw = center.NewTokenString()[:16]
	}
	for _, u := range demoUsers {
		_, hash := center.NewToken()
		if err := addUser(ctx, st, u.name, u.role, u.site, pw, hash); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "demo town: %d sites, %d cases (%d registered, %d resolved), %d events\n",
		len(sum.Sites), sum.Cases, demo.Registered, demo.Resolved, sum.Events)
	fmt.Fprintf(os.Stderr, "users zhongxin (leader), gongzuo (staff), chakan (read-only), fengyuan (staff, 枫源村); password:\n")
	fmt.Println(pw)
	fmt.Fprintf(os.Stderr, "a case to track: /t/%s\n", sum.Codes[0])
	return nil
}
