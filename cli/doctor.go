package cli

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"fengqiao/doctor"
)

type doctorOptions struct {
	config string
}

// errProblems makes the command exit non-zero; the report has already said what is wrong.
var errProblems = errors.New("problems found; see the report above")

func newDoctorCmd(e *env) *cobra.Command {
	var o doctorOptions
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "check the installation: configuration, devices, paper, hub, centre, sync, disk, clock, database",
		Long: "Check the installation: configuration, devices, paper, hub, centre, sync, disk, clock and\n" +
			"database. Each problem comes with its remedy; the exit status is 1 when there is one.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return runDoctor(ctx, e.Out, o) })
		},
	}
	addConfigFlag(cmd.Flags(), &o.config, defaultConfig())
	return cmd
}

func runDoctor(ctx context.Context, stdout io.Writer, o doctorOptions) error {
	report := (&doctor.Doctor{ConfigPath: o.config}).Run(ctx)
	if _, err := report.WriteTo(stdout); err != nil {
		return err
	}
	if report.Failed() {
		return errProblems
	}
	return nil
}
