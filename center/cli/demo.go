package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/demo"
	"fengqiao/center/sqlstore"
)

// DemoOptions are the settings of demo.
type DemoOptions struct {
	IO       Streams
	DB       string
	Password string // of every demo user; "" for a random one
	Seed     uint64
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

// NewCmdDemo returns the demo command. runF, when not nil, replaces the work (tests).
func NewCmdDemo(runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the demonstration town in an empty database",
		Long: `Build the demonstration town: twelve halls, a year of fictitious cases and four users
(zhongxin, leader; gongzuo, staff; chakan, read-only; fengyuan, staff of 枫源村), all with the
password printed at the end.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Password != "" && len([]rune(opts.Password)) < minPassword {
				return usageErrorf("--password needs at least %d characters", minPassword)
			}
			opts.IO = streamsOf(cmd)
			if runF != nil {
				return runF(opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	f := cmd.Flags()
	f.StringVar(&opts.Password, "password", "", "`PASSWORD` of the demo users (default a random one, printed)")
	f.Uint64Var(&opts.Seed, "seed", 1, "varies names and dates; the totals never change")
	return cmd
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := demo.Build(ctx, st, time.Now(), opts.Seed)
	if err != nil {
		return err
	}
	pw := opts.Password
	if pw == "" {
		pw = center.NewTokenString()[:16]
	}
	for _, u := range demoUsers {
		_, hash := center.NewToken()
		if err := addUser(ctx, st, u.name, u.role, u.site, pw, hash); err != nil {
			return fmt.Errorf("user %s: %w", u.name, err)
		}
	}
	fmt.Fprintf(opts.IO.Err, "demo town: %d sites, %d cases (%d registered, %d resolved), %d events\n",
		len(sum.Sites), sum.Cases, demo.Registered, demo.Resolved, sum.Events)
	fmt.Fprintf(opts.IO.Err, "users zhongxin (leader), gongzuo (staff), chakan (read-only), fengyuan (staff, 枫源村); password:\n")
	fmt.Fprintln(opts.IO.Out, pw)
	fmt.Fprintf(opts.IO.Err, "a case to track: /t/%s\n", sum.Codes[0])
	return nil
}
