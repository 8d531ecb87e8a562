package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"fengqiao/app"
	"fengqiao/devices/idcard"
)

func newIDCardCmd(e *env) *cobra.Command {
	return newGroup("idcard", "ID card reader: read a card, show the SAM, or simulate a reader",
		newIDCardReadCmd(e), newIDCardInfoCmd(e), newIDCardSimulateCmd(e))
}

// portFlags are the flags shared by read and info: the reader's port and line speed.
type portFlags struct {
	port    string
	baud    int
	timeout time.Duration
}

func addPortFlags(fs *pflag.FlagSet, p *portFlags) {
	fs.StringVar(&p.port, "port", "/dev/fengqiao-idcard", "serial `device` of the reader")
	fs.IntVar(&p.baud, "baud", idcard.DefaultBaud, "line speed: 115200, 57600, 38400, 19200 or 9600")
	fs.DurationVar(&p.timeout, "timeout", 5*time.Second, "give up after this long")
}

// talk opens the reader and hands it to f, giving up after the timeout. The reader logs only
// errors (to stderr) so that a failure stays one clear line, which names the port.
func (p portFlags) talk(ctx context.Context, stderr io.Writer, f func(ctx context.Context, r *idcard.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	r, err := idcard.Open(idcard.Config{Port: p.port, Baud: p.baud, Logger: log})
	if err != nil {
		return err
	}
	defer r.Close()
	if err := f(ctx, r); err != nil {
		return fmt.Errorf("%s: %w", p.port, err)
	}
	return nil
}

type idcardReadOptions struct {
	port portFlags
	json bool
}

func newIDCardReadCmd(e *env) *cobra.Command {
	var o idcardReadOptions
	cmd := &cobra.Command{
		Use:   "read",
		Short: "read the card lying on the reader and print it, masked",
		Long: "Read the card lying on the reader and print it, masked. With --json print every field in\n" +
			"full as one JSON object (name, gender, nation, birth, address, id_number, authority,\n" +
			"valid_from, valid_to, card_type).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return idcardRead(ctx, e.Streams, o) })
		},
	}
	addPortFlags(cmd.Flags(), &o.port)
	cmd.Flags().BoolVar(&o.json, "json", false, "print all fields in full as JSON")
	return cmd
}

func idcardRead(ctx context.Context, s Streams, o idcardReadOptions) error {
	var id idcard.Identity
	err := o.port.talk(ctx, s.Err, func(ctx context.Context, r *idcard.Reader) (err error) {
		id, err = r.ReadCard(ctx)
		return err
	})
	if err != nil {
		return err
	}
	checkErr := id.Check(time.Now())
	if o.json {
		enc := json.NewEncoder(s.Out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(id.Record()); err != nil {
			return err
		}
	} else {
		printMasked(s.Out, id, checkErr)
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

type idcardInfoOptions struct {
	port portFlags
}

func newIDCardInfoCmd(e *env) *cobra.Command {
	var o idcardInfoOptions
	cmd := &cobra.Command{
		Use:   "info",
		Short: "check that the reader answers and print its SAM ID",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(ctx context.Context) error { return idcardInfo(ctx, e.Streams, o) })
		},
	}
	addPortFlags(cmd.Flags(), &o.port)
	return cmd
}

func idcardInfo(ctx context.Context, s Streams, o idcardInfoOptions) error {
	var id idcard.SAMID
	err := o.port.talk(ctx, s.Err, func(ctx context.Context, r *idcard.Reader) (err error) {
		if err := r.SAMStatus(ctx); err != nil {
			return err
		}
		id, err = r.SAMID(ctx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "port\t%s\nbaud\t%d\nSAM\tOK\nSAM ID\t%s\n", o.port.port, o.port.baud, id)
	return nil
}
