package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/devices/idcard"
	"fengqiao/devices/idcard/idcardsim"
)

func init() {
	register("idcard", "ID card reader: read a card, show the SAM, or simulate a reader", runIDCard)
}

const idcardUsage = `Usage:
  fengqiao idcard read [--port PATH] [--baud N] [--json] [--timeout D]
      Read the card lying on the reader and print it, masked. With --json print every
      field in full as one JSON object (name, gender, nation, birth, address, id_number,
      authority, valid_from, valid_to, card_type).
  fengqiao idcard info [--port PATH] [--baud N] [--timeout D]
      Check that the reader answers and print its SAM ID.
  fengqiao idcard simulate [--card FILE.json] [--baud N] [--link PATH] [--mode keep|once] [--empty]
      Simulate a reader on a pseudo-terminal. Prints the device path, then serves until
      interrupted, reading commands from standard input:
        place [FILE.json]   place the card (the --card file, the built-in test card, or FILE)
        lift                take the card away
        mode keep|once      find-card keeps answering "card" / answers "no card" once read
        fault NAME          one-shot fault: checksum, noise, partial, silence, read, select
        unplug              close the pty (the host's port fails, the link disappears)
        replug              open a new pty behind the same link
        status              show the device path and the card
        help                list the commands
`

func runIDCard(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, idcardUsage)
		return errUsage
	}
	switch args[0] {
	case "read":
		return idcardRead(ctx, args[1:], os.Stdout)
	case "info":
		return idcardInfo(ctx, args[1:], os.Stdout)
	case "simulate":
		return idcardSimulate(ctx, args[1:], os.Stdin, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(idcardUsage)
		return nil
	}
	fmt.Fprintf(os.Stderr, "fengqiao idcard: unknown subcommand %q\n\n%s", args[0], idcardUsage)
	return errUsage
}

// portFlags are the flags shared by read and info.
type portFlags struct {
	port    string
	baud    int
	timeout time.Duration
}

func (p *portFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.port, "port", "/dev/fengqiao-idcard", "serial `device` of the reader")
	fs.IntVar(&p.baud, "baud", idcard.DefaultBaud, "line speed: 115200, 57600, 38400, 19200 or 9600")
	fs.DurationVar(&p.timeout, "timeout", 5*time.Second, "give up after this long")
}

// open opens the reader, logging only errors so that a failure stays one clear line.
func (p *portFlags) open() (*idcard.Reader, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	return idcard.Open(idcard.Config{Port: p.port, Baud: p.baud, Logger: log})
}

func idcardRead(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("idcard read")
	var pf portFlags
	pf.register(fs)
	asJSON := fs.Bool("json", false, "print all fields in full as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pf.timeout)
	defer cancel()
	r, err := pf.open()
	if err != nil {
		return err
	}
	defer r.Close()
	id, err := r.ReadCard(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", pf.port, err)
	}
	checkErr := id.Check(time.Now())
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(id.Record()); err != nil {
			return err
		}
	} else {
		printMasked(stdout, id, checkErr)
	}
	if checkErr != nil {
		return fmt.Errorf("card not accepted: %w", checkErr)
	}
	return nil
}

// printMasked prints a card with its personal data masked.
func printMasked(w io.Writer, id idcard.Identity, checkErr error) {
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%s\t%s\n", label, value)
		}
	}
	validTo := "长期"
	if !id.LongTerm() {
		validTo = id.ValidTo.Format(time.DateOnly)
	}
	line("证件类型", id.Type.Label())
	line("姓名", app.MaskName(id.Name))
	line("英文姓名", app.MaskName(id.EnglishName))
	line("性别", id.Gender.String())
	line("民族", id.Nation.String())
	line("国籍", id.Nationality)
	line("出生", id.Birth.Format("2006")+"-**-**")
	line("住址", app.MaskAddress(id.Address))
	line("证件号码", app.MaskIDNumber(id.Number))
	line("签发机关", id.Authority)
	line("有效期限", id.ValidFrom.Format(time.DateOnly)+" 至 "+validTo)
	if checkErr != nil {
		line("校验", "未通过："+idcard.Message(checkErr))
	} else {
		line("校验", "通过")
	}
}

func idcardInfo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("idcard info")
	var pf portFlags
	pf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pf.timeout)
	defer cancel()
	r, err := pf.open()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.SAMStatus(ctx); err != nil {
		return fmt.Errorf("%s: %w", pf.port, err)
	}
	id, err := r.SAMID(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", pf.port, err)
	}
	fmt.Fprintf(stdout, "port\t%s\nbaud\t%d\nSAM\tOK\nSAM ID\t%s\n", pf.port, pf.baud, id)
	return nil
}

func idcardSimulate(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("idcard simulate")
	cardFile := fs.String("card", "", "card `file` (JSON as printed by idcard read --json); the built-in test card if empty")
	baud := fs.Int("baud", idcard.DefaultBaud, "pace the replies as this line speed would")
	link := fs.String("link", "/tmp/fengqiao-idcard", "stable symlink to the pty (empty for none)")
	mode := fs.String("mode", "keep", "find-card behaviour for a card already read: keep or once")
	empty := fs.Bool("empty", false, "start without a card on the reader")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	card, err := loadSimCard(*cardFile)
	if err != nil {
		return err
	}
	m, err := parseMode(*mode)
	if err != nil {
		return err
	}
	opts := idcardsim.Options{Baud: *baud, Link: *link, Mode: m}
	if !*empty {
		opts.Card = &card
	}
	sim, err := idcardsim.New(opts)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(stdout, "device %s\n", sim.Device())
	if *link != "" {
		fmt.Fprintf(stdout, "link   %s\n", *link)
	}
	fmt.Fprintln(stdout, `serving; type "help" for commands, interrupt (Ctrl-C) to stop`)

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdin)
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
			if err := simCommand(sim, &card, *cardFile, l, stdout); err != nil {
				fmt.Fprintf(stdout, "error: %v\n", err)
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
		fmt.Fprint(out, idcardUsage)
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
