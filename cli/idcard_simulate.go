package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
)

// simulatorCommands are the lines the reader simulator understands on standard input.
const simulatorCommands = `  place [FILE.json]   place the card (the --card file, the built-in test card, or FILE)
  lift                take the card away
  mode keep|once      find-card keeps answering "card" / answers "no card" once read
  fault NAME          one-shot fault: checksum, noise, partial, silence, read, select
  unplug              close the pty (the host's port fails, the link disappears)
  replug              open a new pty behind the same link
  status              show the device path and the card
  help                list the commands
`

type idcardSimulateOptions struct {
	card  string
	baud  int
	link  string
	mode  string
	empty bool

	findMode idcardsim.FindMode // parsed from mode
}

func newIDCardSimulateCmd(e *env) *cobra.Command {
	var o idcardSimulateOptions
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "simulate a reader on a pseudo-terminal",
		Long: "Simulate a reader on a pseudo-terminal. Prints the device path, then serves until\n" +
			"interrupted, reading commands from standard input:\n\n" + simulatorCommands,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := parseMode(o.mode)
			if err != nil {
				return err
			}
			o.findMode = m
			return e.run(cmd, &o, func(ctx context.Context) error { return idcardSimulate(ctx, e.Streams, o) })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.card, "card", "", "card `file` (JSON as printed by idcard read --json); the built-in test card if empty")
	fs.IntVar(&o.baud, "baud", idcard.DefaultBaud, "pace the replies as this line speed would")
	fs.StringVar(&o.link, "link", "/tmp/fengqiao-idcard", "stable symlink to the pty (empty for none)")
	fs.StringVar(&o.mode, "mode", "keep", "find-card behaviour for a card already read: keep or once")
	fs.BoolVar(&o.empty, "empty", false, "start without a card on the reader")
	return cmd
}

func idcardSimulate(ctx context.Context, s Streams, o idcardSimulateOptions) error {
	card, err := loadSimCard(o.card)
	if err != nil {
		return err
	}
	opts := idcardsim.Options{Baud: o.baud, Link: o.link, Mode: o.findMode}
	if !o.empty {
		opts.Card = &card
	}
	sim, err := idcardsim.New(opts)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(s.Out, "device %s\n", sim.Device())
	if o.link != "" {
		fmt.Fprintf(s.Out, "link   %s\n", o.link)
	}
	fmt.Fprintln(s.Out, `serving; type "help" for commands, interrupt (Ctrl-C) to stop`)

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(s.In)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case l := <-lines:
			if err := simCommand(sim, &card, o.card, l, s.Out); err != nil {
				fmt.Fprintf(s.Out, "error: %v\n", err)
			}
		}
	}
}

// simCommand runs one line typed at the simulator.
func simCommand(sim *idcardsim.Simulator, card *idcard.Identity, cardFile, line string, out io.Writer) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	arg := ""
	if len(f) > 1 {
		arg = f[1]
	}
	switch f[0] {
	case "place":
		if arg != "" {
			c, err := loadSimCard(arg)
			if err != nil {
				return err
			}
			*card = c
		}
		if err := sim.Place(*card); err != nil {
			return err
		}
		fmt.Fprintf(out, "placed %v\n", card)
	case "lift":
		sim.Lift()
		fmt.Fprintln(out, "lifted")
	case "mode":
		m, err := parseMode(arg)
		if err != nil {
			return err
		}
		sim.SetMode(m)
		fmt.Fprintf(out, "mode %v\n", m)
	case "fault":
		fl, err := idcardsim.ParseFault(arg)
		if err != nil {
			return err
		}
		sim.InjectFault(fl)
		fmt.Fprintf(out, "fault %v armed\n", fl)
	case "unplug":
		if err := sim.Unplug(); err != nil {
			return err
		}
		fmt.Fprintln(out, "unplugged")
	case "replug":
		if err := sim.Replug(); err != nil {
			return err
		}
		fmt.Fprintf(out, "plugged in at %s\n", sim.Device())
	case "status":
		fmt.Fprintf(out, "device %q path %s card %v (file %q)\n", sim.Device(), sim.Path(), card, cardFile)
	case "help":
		fmt.Fprint(out, simulatorCommands)
	default:
		return fmt.Errorf("unknown command %q (try help)", f[0])
	}
	return nil
}

func loadSimCard(path string) (idcard.Identity, error) {
	if path == "" {
		return idcardsim.TestIdentity(), nil
	}
	return idcardsim.LoadCard(path)
}

func parseMode(s string) (idcardsim.FindMode, error) {
	switch s {
	case "keep":
		return idcardsim.FindKeepsCard, nil
	case "once":
		return idcardsim.FindOncePerPlacement, nil
	}
	return 0, errors.New(`mode must be "keep" or "once"`)
}
