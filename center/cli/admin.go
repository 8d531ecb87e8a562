package cli

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// AdminOptions are the settings of the admin commands on users, sites and tokens.
type AdminOptions struct {
	IO      Streams
	DB      string
	Args    []string
	Role    center.Role
	Site    string
	TTL     time.Duration
	Overlap time.Duration
	// Of the region commands: a region's level and parent, a hall's town, a user's region scope.
	Level  center.Level
	Parent string
	Town   string
	Region string
}

// adminCmd returns a command that opens the database and runs run with the options. runF, when
// not nil, replaces the work (tests).
func adminCmd(use, short string, args []string, runF func(*AdminOptions) error,
	run func(context.Context, *sqlstore.Store, *AdminOptions) error, flags func(*cobra.Command, *AdminOptions)) *cobra.Command {
	opts := &AdminOptions{Role: center.RoleStaff, TTL: center.DefaultTokenTTL, Overlap: center.DefaultSiteOverlap}
	cmd := &cobra.Command{
		Use: use, Short: short, Args: exactArgs(args...),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.IO, opts.Args = streamsOf(cmd), a
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			st, err := sqlstore.Open(cmd.Context(), opts.DB)
			if err != nil {
				return err
			}
			defer st.Close()
			return run(cmd.Context(), st, opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	if flags != nil {
		flags(cmd, opts)
	}
	return cmd
}

// Bounds of the admin commands' flags, the same as the dashboard's forms.
const (
	minTokenTTL = 24 * time.Hour
	maxTokenTTL = 366 * 24 * time.Hour
	maxOverlap  = 90 * 24 * time.Hour
)

// validate refuses flags out of bounds before the database is opened. Every default is valid,
// so a command checks only the flags it defines.
func (o *AdminOptions) validate() error {
	switch {
	case !o.Role.Valid():
		return usageErrorf("--role must be readonly, staff, leader, admin, gridworker or gridleader, not %q", o.Role)
	case o.TTL < minTokenTTL || o.TTL > maxTokenTTL:
		return usageErrorf("--ttl must be %s to %s (1 to 366 days), not %s", minTokenTTL, maxTokenTTL, o.TTL)
	case o.Overlap < 0 || o.Overlap > maxOverlap:
		return usageErrorf("--overlap must be 0s to %s (90 days), not %s", maxOverlap, o.Overlap)
	}
	return nil
}

func newAdminUserCmds(runF func(*AdminOptions) error) []*cobra.Command {
	return []*cobra.Command{
		adminCmd("list", "List the centre's users", nil, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			users, err := st.Users(ctx)
			tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, cmpOr(u.SiteName, cmpOr(u.RegionName, "all sites")), state)
			}
			tw.Flush()
			return err
		}, nil),
		adminCmd("role NAME", "Change a user's role and scope (a site or a region)", []string{"NAME"}, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			if o.Site != "" && o.Region != "" {
				return usageErrorf("--site and --region exclude each other")
			}
			site, err := siteID(ctx, st, o.Site)
			if err != nil {
				return err
			}
			region, err := regionID(ctx, st, o.Region, "")
			if err != nil {
				return err
			}
			if err := st.SetUserAccess(ctx, o.Args[0], o.Role, site); err != nil {
				return err
			}
			return st.SetUserRegion(ctx, o.Args[0], region)
		}, func(cmd *cobra.Command, o *AdminOptions) {
			cmd.Flags().StringVar((*string)(&o.Role), "role", string(center.RoleStaff), "the `ROLE`: readonly, staff, leader, admin, gridworker or gridleader")
			cmd.Flags().StringVar(&o.Site, "site", "", "the only `SITE` the user sees (default every site)")
			cmd.Flags().StringVar(&o.Region, "region", "", "the town, county or city (`REGION`) whose halls the user sees")
		}),
		adminCmd("password NAME", "Reset a user's dashboard password from the first line of stdin", []string{"NAME"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				line, _ := bufio.NewReader(o.IO.In).ReadString('\n')
				hash, err := center.HashPassword(strings.TrimRight(line, "\r\n"))
				if err != nil {
					return err
				}
				return st.SetPassword(ctx, o.Args[0], hash)
			}, nil),
		adminCmd("phone-revoke NAME", "Sign a user out of the phone app on every phone (注销手机登录)", []string{"NAME"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				n, err := st.RevokePhoneSessions(ctx, o.Args[0], time.Now())
				if err != nil {
					return err
				}
				fmt.Fprintf(o.IO.Err, "revoked %d phone session(s) of %q; those phones wipe what they kept when they next connect\n", n, o.Args[0])
				return nil
			}, nil),
		adminCmd("disable NAME", "Disable a user: no sign-in, no token", []string{"NAME"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				return st.DisableUser(ctx, o.Args[0], time.Now())
			}, nil),
	}
}

func newAdminSiteCmds(runF func(*AdminOptions) error) []*cobra.Command {
	return []*cobra.Command{
		adminCmd("list", "List the halls", nil, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			sites, err := st.Sites(ctx)
			tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
			for _, s := range sites {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\n", s.ID, s.Name, s.Phone, s.AppliedThrough)
			}
			tw.Flush()
			return err
		}, nil),
		adminCmd("rename NAME NEW-NAME", "Rename a hall", []string{"NAME", "NEW-NAME"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				id, err := siteID(ctx, st, o.Args[0])
				if err != nil {
					return err
				}
				return st.RenameSite(ctx, id, o.Args[1])
			}, nil),
		adminCmd("rotate NAME", "Give a hall a new token; the old one works for --overlap", []string{"NAME"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				id, err := siteID(ctx, st, o.Args[0])
				if err != nil {
					return err
				}
				tok, hash := center.NewToken()
				if err := st.RotateSiteToken(ctx, id, hash, time.Now().Add(o.Overlap)); err != nil {
					return err
				}
				fmt.Fprintf(o.IO.Err, "new token of %q (shown once); the old one works until %s:\n", o.Args[0],
					time.Now().Add(o.Overlap).Format(time.DateTime))
				fmt.Fprintln(o.IO.Out, tok)
				return nil
			}, func(cmd *cobra.Command, o *AdminOptions) {
				cmd.Flags().DurationVar(&o.Overlap, "overlap", center.DefaultSiteOverlap, "how long the old token keeps working")
			}),
	}
}

// NewCmdToken returns the token command group: users' API tokens. runF, when not nil, replaces
// the work of its commands (tests).
func NewCmdToken(runF func(*AdminOptions) error) *cobra.Command {
	cmd := &cobra.Command{Use: "token <command>", Short: "Manage the centre users' API tokens", Args: commandArgs, RunE: missingCommand}
	ignoreFlags(cmd)
	printNew := func(o *AdminOptions, user, tok string) {
		fmt.Fprintf(o.IO.Err, "new token of %q (shown once):\n", user)
		fmt.Fprintln(o.IO.Out, tok)
	}
	tokenID := func(o *AdminOptions) (int64, error) {
		id, err := strconv.ParseInt(o.Args[0], 10, 64)
		if err != nil {
			return 0, usageErrorf("ID must be a token number, not %q", o.Args[0])
		}
		return id, nil
	}
	cmd.AddCommand(
		adminCmd("list", "List the API tokens", nil, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			toks, err := st.Tokens(ctx)
			tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
			for _, t := range toks {
				state := "live"
				if !t.Live(time.Now()) {
					state = "expired or revoked"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.User, t.ExpiresAt.Format(time.DateOnly), state)
			}
			tw.Flush()
			return err
		}, nil),
		adminCmd("add USER", "Give a user a new API token", []string{"USER"}, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			tok, hash := center.NewToken()
			if _, err := st.AddToken(ctx, o.Args[0], hash, time.Now().Add(o.TTL)); err != nil {
				return err
			}
			printNew(o, o.Args[0], tok)
			return nil
		}, func(cmd *cobra.Command, o *AdminOptions) {
			cmd.Flags().DurationVar(&o.TTL, "ttl", center.DefaultTokenTTL, "how long the token lives")
		}),
		adminCmd("revoke ID", "Revoke an API token", []string{"ID"}, runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
			id, err := tokenID(o)
			if err != nil {
				return err
			}
			return st.RevokeToken(ctx, id, time.Now())
		}, nil),
		adminCmd("rotate ID", "Replace an API token by a new one with the same lifetime", []string{"ID"},
			runF, func(ctx context.Context, st *sqlstore.Store, o *AdminOptions) error {
				id, err := tokenID(o)
				if err != nil {
					return err
				}
				old, err := st.Token(ctx, id)
				if err != nil {
					return err
				}
				tok, hash := center.NewToken()
				if _, err := st.AddToken(ctx, old.User, hash, time.Now().Add(old.ExpiresAt.Sub(old.CreatedAt))); err != nil {
					return err
				}
				if err := st.RevokeToken(ctx, id, time.Now()); err != nil {
					return err
				}
				printNew(o, old.User, tok)
				return nil
			}, nil),
	)
	return cmd
}

func siteID(ctx context.Context, st *sqlstore.Store, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	s, err := st.SiteByName(ctx, name)
	return s.ID, err
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
