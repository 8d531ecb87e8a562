package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// minPassword is the shortest dashboard password accepted.
const minPassword = 10

// NewCmdUser returns the user command group. addF and adminF, when not nil, replace the work of
// its commands (tests).
func NewCmdUser(addF func(*UserAddOptions) error, adminF func(*AdminOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user <command>",
		Short: "Register the centre's staff",
		Args:  commandArgs,
		RunE:  missingCommand,
	}
	ignoreFlags(cmd)
	cmd.AddCommand(NewCmdUserAdd(addF))
	cmd.AddCommand(newAdminUserCmds(adminF)...)
	return cmd
}

// UserAddOptions are the settings of user add.
type UserAddOptions struct {
	IO            Streams
	DB            string
	Name          string
	Role          center.Role
	Site          string // the only site the user sees; "" for every site
	Region        string // or the town, county or city whose halls the user sees
	PasswordStdin bool
}

// NewCmdUserAdd returns the user add command. runF, when not nil, replaces the work (tests).
func NewCmdUserAdd(runF func(*UserAddOptions) error) *cobra.Command {
	opts := &UserAddOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Register a centre user and print their API token",
		Long: `Register a centre user and print their API token, shown once. With --password-stdin the
user can also sign in to the dashboard with the password read from the first line of stdin.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.Role.Valid() {
				return usageErrorf("--role must be readonly, staff, leader, admin, gridworker or gridleader, not %q", opts.Role)
			}
			if opts.Site != "" && opts.Region != "" {
				return usageErrorf("--site and --region exclude each other")
			}
			opts.IO, opts.Name = streamsOf(cmd), args[0]
			if runF != nil {
				return runF(opts)
			}
			return userAddRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.StringVar((*string)(&opts.Role), "role", string(center.RoleStaff), "the user's `ROLE`: readonly, staff, leader, admin, gridworker (网格员) or gridleader (网格长)")
	f.StringVar(&opts.Site, "site", "", "the only `SITE` the user sees (default every site)")
	f.StringVar(&opts.Region, "region", "", "the town, county or city (`REGION`) whose halls the user sees")
	f.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read a dashboard password from the first line of stdin")
	return cmd
}

func userAddRun(ctx context.Context, opts *UserAddOptions) error {
	var password string
	if opts.PasswordStdin {
		line, err := bufio.NewReader(opts.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password: %w", err)
		}
		if password = strings.TrimRight(line, "\r\n"); password == "" {
			return errors.New("--password-stdin: the first line of stdin is empty")
		}
	}
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	token, hash := center.NewToken()
	region, err := regionID(ctx, st, opts.Region, "")
	if err != nil {
		return err
	}
	if err := addUser(ctx, st, opts.Name, opts.Role, opts.Site, password, hash); err != nil {
		return err
	}
	if err := st.SetUserRegion(ctx, opts.Name, region); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "user %q added; their token (shown once):\n", opts.Name)
	fmt.Fprintln(opts.IO.Out, token)
	return nil
}

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
		return fmt.Errorf("the password needs at least %d characters", minPassword)
	}
	if err := st.AddUser(ctx, name, tokenHash, time.Time{}); err != nil {
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
		return fmt.Errorf("hash password: %w", err)
	}
	return st.SetPassword(ctx, name, hash)
}
