package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// NewCmdSite returns the site command group. addF, phoneF and adminF, when not nil, replace the
// work of its commands (tests).
func NewCmdSite(addF func(*SiteAddOptions) error, phoneF func(*SitePhoneOptions) error,
	adminF func(*AdminOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "site <command>",
		Short: "Register the halls that sync with the centre",
		Args:  commandArgs,
		RunE:  missingCommand,
	}
	ignoreFlags(cmd)
	cmd.AddCommand(NewCmdSiteAdd(addF), NewCmdSitePhone(phoneF))
	cmd.AddCommand(newSitePlaceCmd(adminF))
	cmd.AddCommand(newAdminSiteCmds(adminF)...)
	return cmd
}

// SiteAddOptions are the settings of site add.
type SiteAddOptions struct {
	IO    Streams
	DB    string
	Name  string
	Phone string
}

// NewCmdSiteAdd returns the site add command. runF, when not nil, replaces the work (tests).
func NewCmdSiteAdd(runF func(*SiteAddOptions) error) *cobra.Command {
	opts := &SiteAddOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Register a hall and print its token",
		Long: `Register a hall and print its token, shown once: it goes into the hall's centre.token
(the [centre] token of its settings).`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Name = streamsOf(cmd), args[0]
			if runF != nil {
				return runF(opts)
			}
			return siteAddRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	cmd.Flags().StringVar(&opts.Phone, "phone", "", "the hall's `PHONE` for residents, on the tracking page")
	return cmd
}

func siteAddRun(ctx context.Context, opts *SiteAddOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	token, hash := center.NewToken()
	site, err := st.AddSite(ctx, opts.Name, hash)
	if err != nil {
		return err
	}
	if opts.Phone != "" {
		if err := st.SetSitePhone(ctx, site.ID, opts.Phone); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.IO.Err, "site %d %q added; give the hall this token (shown once):\n", site.ID, site.Name)
	fmt.Fprintln(opts.IO.Out, token)
	return nil
}

// SitePhoneOptions are the settings of site phone.
type SitePhoneOptions struct {
	IO    Streams
	DB    string
	Name  string
	Phone string
}

// NewCmdSitePhone returns the site phone command. runF, when not nil, replaces the work (tests).
func NewCmdSitePhone(runF func(*SitePhoneOptions) error) *cobra.Command {
	opts := &SitePhoneOptions{}
	cmd := &cobra.Command{
		Use:   "phone NAME PHONE",
		Short: "Set the phone residents see for a hall on the tracking page",
		Args:  exactArgs("NAME", "PHONE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Name, opts.Phone = streamsOf(cmd), args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return sitePhoneRun(cmd.Context(), opts)
		},
	}
	addDBFlag(cmd, &opts.DB)
	return cmd
}

func sitePhoneRun(ctx context.Context, opts *SitePhoneOptions) error {
	st, err := sqlstore.Open(ctx, opts.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	site, err := st.SiteByName(ctx, opts.Name)
	if err != nil {
		return err
	}
	return st.SetSitePhone(ctx, site.ID, opts.Phone)
}
