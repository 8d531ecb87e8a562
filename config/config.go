// Package config reads the hall's configuration: one TOML file (see fengqiao.example.toml at the
// repository root). With no file at all, Default gives a working demo hall.
package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/devices/printer"
	"fengqiao/printing/receiptprint"
)

// Config is the whole configuration of one hall.
type Config struct {
	Hall     Hall      `toml:"hall"`
	Queue    Queue     `toml:"queue"`
	Services []Service `toml:"services"`
	Windows  []Window  `toml:"windows"`
	Staff    []Staff   `toml:"staff"`
	// StaffFile holds more [[staff]] entries, kept apart from this file because of their PIN
	// hashes: `fengqiao staff add` writes it. The package's is /etc/fengqiao/staff.toml, readable
	// by the hub only.
	StaffFile   string   `toml:"staff_file"`
	Departments []string `toml:"departments"`
	Devices     Devices  `toml:"devices"`
	Hub         Hub      `toml:"hub"`
	Centre      Centre   `toml:"centre"`
	DataDir     string   `toml:"data_dir"`
	Kiosk       Kiosk    `toml:"kiosk"`
	Display     Display  `toml:"display"`
	Booking     Booking  `toml:"booking"`

	fileErrs []error // secret files that exist but could not be read, for CheckSecrets
}

// Display configures the hall display board and its voice.
type Display struct {
	SpeechCommand string `toml:"speech_command"`    // e.g. "espeak-ng -v cmn -s 140"; empty = espeak-ng if installed, else a chime
	Repeat        int    `toml:"repeat"`            // how often each call is spoken; default 2
	History       int    `toml:"history"`           // how many recent calls are listed; default 6
	Highlight     int    `toml:"highlight_seconds"` // how long a new call stays highlighted; default 6
}

// Hall describes the hall itself.
type Hall struct {
	Name     string   `toml:"name"`      // 枫桥镇社会治理综合服务中心
	Code     string   `toml:"code"`      // site code used by the centre, e.g. 330681101
	Phone    string   `toml:"phone"`     // shown on receipts and the tracking page
	TimeZone string   `toml:"time_zone"` // IANA name, default Asia/Shanghai
	Weekdays []int    `toml:"weekdays"`  // 0 = Sunday … 6 = Saturday; empty = every day
	Hours    []string `toml:"hours"`     // opening periods, "08:30-12:00"; empty = always open
	WaitArea string   `toml:"wait_area"` // where visitors wait, printed on the receipt
}

// Queue holds the queue policies.
type Queue struct {
	ResetAt           string `toml:"reset_at"`            // when numbers restart, "00:00"
	ElderlyAge        int    `toml:"elderly_age"`         // default 70; -1 disables
	MaxPriorityStreak int    `toml:"max_priority_streak"` // default 2
	PerIDLimit        int    `toml:"per_id_limit"`        // default 2; -1 disables
	MaxRecalls        int    `toml:"max_recalls"`         // default 3
}

// Service is one entry of the service catalogue.
type Service struct {
	Code       string   `toml:"code"`
	Name       string   `toml:"name"`
	Prefix     string   `toml:"prefix"`
	Categories []string `toml:"categories"`
	AcceptDays int      `toml:"accept_days"`
	HandleDays int      `toml:"handle_days"`
	// Dispute marks the service as 矛盾纠纷 for the centre's ledger; DisputeCategories marks
	// only those of its categories.
	Dispute           bool     `toml:"dispute"`
	DisputeCategories []string `toml:"dispute_categories"`
}

// Window is one service desk.
type Window struct {
	ID       int      `toml:"id"`
	Name     string   `toml:"name"`
	Services []string `toml:"services"`
}

// Staff is a window staff member who signs in with a PIN. Only the PIN's bcrypt hash is stored;
// `fengqiao pin-hash` makes one.
type Staff struct {
	Name    string `toml:"name"`
	ID      string `toml:"id"` // 工号, shown with the name on the display and rating pad; optional
	PINHash string `toml:"pin_hash"`
	Lead    bool   `toml:"lead"` // a hall lead (组长) may act on every window and case
}

// CheckPIN reports whether pin matches the staff member's hashed PIN.
func (s Staff) CheckPIN(pin string) bool {
	return bcrypt.CompareHashAndPassword([]byte(s.PINHash), []byte(pin)) == nil
}

// Devices names the serial ports and printers the kiosk uses. Use stable names (see docs/devices.md).
type Devices struct {
	IDCardPort  string `toml:"idcard_port"`  // e.g. /dev/fengqiao-idcard
	IDCardBaud  int    `toml:"idcard_baud"`  // default 115200
	ScannerPort string `toml:"scanner_port"` // e.g. /dev/fengqiao-scanner
	ScannerBaud int    `toml:"scanner_baud"` // default 9600
	Printer     string `toml:"printer"`      // "cups:QUEUE", "device:/dev/fengqiao-printer", "serial:/dev/ttyUSB1", "tcp:HOST:9100", "pdf:FOLDER"
	// PrinterBaud is a serial printer's line speed: a standard rate, default 9600.
	PrinterBaud int `toml:"printer_baud"`
	// PrinterFormat is what a cups: queue takes: "pdf" (default, a queue with a driver) or
	// "escpos" (a raw queue for an ESC/POS receipt printer).
	PrinterFormat string `toml:"printer_format"`
	// PrinterStall is how long the printer may make no progress before a job fails, e.g. "3s"
	// (the default).
	PrinterStall Duration `toml:"printer_stall_timeout"`
	Paper        int      `toml:"paper"`      // 80 or 58 (mm)
	QR           string   `toml:"qr"`         // "native" or "raster" for ESC/POS printers
	Cut          string   `toml:"cut"`        // "full", "partial" or "none"
	KeepPhoto    bool     `toml:"keep_photo"` // store the ID card photo; off by default
}

// PrinterSettings returns the printer settings for printer.Open(d.Printer, …).
func (d Devices) PrinterSettings() printer.Settings {
	return printer.Settings{Baud: d.PrinterBaud, Format: d.PrinterFormat, Stall: time.Duration(d.PrinterStall)}
}

// ReceiptOptions returns how receipts are rendered: paper, qr and cut, read by
// receiptprint.ParseOptions.
func (d Devices) ReceiptOptions() (receiptprint.Options, error) {
	o, err := receiptprint.ParseOptions(d.Paper, d.QR, d.Cut)
	if err != nil {
		return o, fmt.Errorf("devices: %w", err)
	}
	return o, nil
}

// ReceiptPrinter returns the printer spec names (cups:QUEUE, device:PATH, serial:PORT,
// tcp:HOST:PORT or pdf:FOLDER), set up with PrinterSettings, and how receipts are rendered for it
// (ReceiptOptions). It is the one reading of the printer settings: the kiosk, the console's
// reprint, `fengqiao print-queue`, `print-test` and `doctor` all open their printer through it,
// and print with receiptprint.Print (the format by printer.Accepts, the paper checked first).
func (d Devices) ReceiptPrinter(spec string) (printer.Printer, receiptprint.Options, error) {
	o, err := d.ReceiptOptions()
	if err != nil {
		return nil, o, err
	}
	p, err := printer.Open(spec, d.PrinterSettings())
	if err != nil {
		return nil, o, fmt.Errorf("devices: %w", err)
	}
	return p, o, nil
}

// Duration is a time.Duration written as text in TOML: "3s", "500ms".
type Duration time.Duration

// UnmarshalText reads a duration such as "3s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as "3s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Hub configures the hall's HTTP API.
type Hub struct {
	Listen string  `toml:"listen"` // e.g. 127.0.0.1:8470 or 0.0.0.0:8470 for a hall with several PCs
	URL    string  `toml:"url"`    // how clients reach the hub; empty = run it inside the kiosk
	Tokens []Token `toml:"tokens"`
	// TLSCert and TLSKey are the hub's certificate and key (PEM files): with both set the hub
	// serves HTTPS. See docs/install.md.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
	// CertSHA256 is the SHA-256 fingerprint of the hub's certificate that clients pin (hex, colons
	// allowed); CertFile the certificate file clients may pin instead. A client of an https hub
	// needs one of them.
	CertSHA256 string `toml:"cert_sha256"`
	CertFile   string `toml:"cert_file"`
}

// Token lets a client of the hub act in one role. The token is written in the configuration, or
// kept in a file of its own (File) that only the hub and that role's accounts can read; Load reads
// it when it can.
type Token struct {
	Role  app.Role `toml:"role"`  // kiosk, window, display or rating
	Token string   `toml:"token"` // at least 16 characters
	File  string   `toml:"file"`  // or: the file holding the token, e.g. /etc/fengqiao/tokens/kiosk.token

	readErr error // why File could not be read, for CheckSecrets
}

// Centre holds the two addresses of the town centre.
type Centre struct {
	SyncURL   string `toml:"sync_url"`   // where the hall pushes its records (often the government intranet)
	PublicURL string `toml:"public_url"` // what residents' phones open from the receipt's QR
	Token     string `toml:"token"`      // this site's token at the centre
	TokenFile string `toml:"token_file"` // or: the file holding it (no file: no sync yet)
}

// Kiosk holds the kiosk screen's settings.
type Kiosk struct {
	IdleSeconds   int    `toml:"idle_seconds"`   // back to home, clearing all personal data; default 60
	ResultSeconds int    `toml:"result_seconds"` // the ticket screen returns home; default 20
	Speech        bool   `toml:"speech"`         // spoken prompts
	Portrait      bool   `toml:"portrait"`
	StaffPIN      string `toml:"staff_pin_hash"` // bcrypt hash of the PIN that leaves the kiosk
	// StaffPINFile holds that hash instead (fengqiao staff kiosk-pin writes it); no file: the
	// kiosk cannot be left by PIN.
	StaffPINFile string `toml:"staff_pin_file"`
	Name         string `toml:"name"`         // this kiosk in staff help alerts, e.g. 大厅自助机
	ReaderPlace  string `toml:"reader_place"` // where the card reader's sensing area is, e.g. 屏幕下方
	// ReceiptMaxAge is how old a queued receipt may be and still print by itself, e.g. "10m"
	// (the default); an older one waits for staff (fengqiao print-queue).
	ReceiptMaxAge Duration `toml:"receipt_max_age"`
	// PrintQueue is the folder of the kiosk's print queue: default print-queue in data_dir. A
	// kiosk that uses the hub service has a folder of its own, as it may not write in data_dir
	// (the package's: /var/lib/fengqiao-kiosk/print-queue).
	PrintQueue string `toml:"print_queue_dir"`
}

// demoPINHash is bcrypt("1234"), the PIN of the demo hall's staff.
const demoPINHash = "$2a$10$DWw1ZJegGU2Oq8BW986RL.mlZ/BQPhgkQ/QWib.xLv0yZKWHE0oj."

// Default returns the configuration of the demo hall: the four default services, three windows,
// demo staff with PIN 1234, open all day, the hub on loopback with demo tokens.
func Default() Config {
	c := Config{
		Hall: Hall{Name: "枫桥镇社会治理综合服务中心", Code: "330681101", Phone: "0575-87000000",
			TimeZone: "Asia/Shanghai", WaitArea: "请在大厅等候区就座，留意叫号"},
		Queue: Queue{ResetAt: "00:00", ElderlyAge: 70, MaxPriorityStreak: 2, PerIDLimit: 2, MaxRecalls: 3},
		Windows: []Window{
			{ID: 1, Name: "1号窗口", Services: []string{"petition", "hotline"}},
			{ID: 2, Name: "2号窗口", Services: []string{"legal", "mediation"}},
			{ID: 3, Name: "3号窗口", Services: []string{"mediation", "petition", "legal", "hotline"}},
		},
		Staff:       []Staff{{Name: "王芳", ID: "0231", PINHash: demoPINHash}, {Name: "李明", ID: "0232", PINHash: demoPINHash}},
		Departments: []string{"司法所", "派出所", "人民法庭", "人社所", "自然资源所", "信访办", "综合执法队"},
		Devices:     Devices{IDCardBaud: 115200, ScannerBaud: 9600, PrinterBaud: 9600, Paper: 80, QR: "native", Cut: "partial"},
		Hub: Hub{Listen: "127.0.0.1:8470", Tokens: []Token{
			{Role: app.RoleKiosk, Token: "demo-kiosk-token-0001"},
			{Role: app.RoleWindow, Token: "demo-window-token-0001"},
			{Role: app.RoleDisplay, Token: "demo-display-token-001"},
			{Role: app.RoleRating, Token: "demo-rating-token-0001"},
		}},
		Centre:  Centre{PublicURL: "https://zz.example.gov.cn"},
		DataDir: "data",
		Kiosk: Kiosk{IdleSeconds: 60, ResultSeconds: 20, Speech: true, StaffPIN: demoPINHash,
			Name: "大厅自助机", ReaderPlace: "屏幕下方", ReceiptMaxAge: Duration(10 * time.Minute)},
		Display: Display{Repeat: 2, History: 6},
		Booking: Booking{Enabled: true, PerService: map[string]int{"legal": 1, "mediation": 1}},
	}
	for _, s := range app.DefaultServices() {
		c.Services = append(c.Services, Service{Code: s.Code, Name: s.Name, Prefix: s.Prefix,
			Categories: s.Categories, AcceptDays: s.AcceptDays, HandleDays: s.HandleDays, Dispute: s.Dispute})
	}
	return c
}

// Load reads the configuration at path over the defaults. An empty path gives the defaults. Lists
// in the file (services, windows, staff, departments, tokens) replace the default lists whole.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, c.Validate()
	}
	var file Config
	md, err := toml.DecodeFile(path, &file)
	if err != nil {
		return c, fmt.Errorf("read config %s: %w", path, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		return c, fmt.Errorf("read config %s: unknown settings: %s", path, strings.Join(names, ", "))
	}
	// A real hall never starts from the demo's secrets: no staff, tokens or kiosk PIN unless
	// the file (or the files it names) sets them.
	c.Staff, c.Hub.Tokens, c.Kiosk.StaffPIN = nil, nil, ""
	// Decode again onto the defaults so unset scalars keep their default values.
	if _, err := toml.DecodeFile(path, &c); err != nil {
		return c, fmt.Errorf("read config %s: %w", path, err)
	}
	replace := func(set bool, apply func()) {
		if set {
			apply()
		}
	}
	replace(md.IsDefined("services"), func() { c.Services = file.Services })
	replace(md.IsDefined("windows"), func() { c.Windows = file.Windows })
	replace(md.IsDefined("departments"), func() { c.Departments = file.Departments })
	if !filepath.IsAbs(c.DataDir) {
		c.DataDir = filepath.Join(filepath.Dir(path), c.DataDir)
	}
	for _, p := range []*string{&c.Hub.TLSCert, &c.Hub.TLSKey, &c.Hub.CertFile, &c.Kiosk.PrintQueue} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(filepath.Dir(path), *p)
		}
	}
	var missing []string
	for _, m := range []struct {
		set  bool
		name string
	}{
		{md.IsDefined("hall", "code"), "hall.code"},
		{md.IsDefined("hub", "tokens"), "[[hub.tokens]]"},
		{md.IsDefined("centre", "public_url"), "centre.public_url"},
	} {
		if !m.set {
			missing = append(missing, m.name)
		}
	}
	err = errors.Join(c.readSecretFiles(filepath.Dir(path)), c.Validate())
	if len(missing) > 0 {
		// Never fall back to the demo hall's secrets in a real hall.
		err = errors.Join(fmt.Errorf("config %s: missing %s: a hall's configuration must set them (see fengqiao.example.toml)",
			path, strings.Join(missing, ", ")), err)
	}
	return c, err
}

// Validate reports every problem in the configuration at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Hall.Name == "" {
		bad("hall.name is empty")
	}
	if _, err := time.LoadLocation(c.Hall.TimeZone); err != nil {
		bad("hall.time_zone %q: %v", c.Hall.TimeZone, err)
	}
	for _, d := range c.Hall.Weekdays {
		if d < 0 || d > 6 {
			bad("hall.weekdays: %d is not 0 (Sunday) to 6 (Saturday)", d)
		}
	}
	for _, h := range c.Hall.Hours {
		if _, err := app.ParsePeriod(h); err != nil {
			bad("hall.hours: %v", err)
		}
	}
	if _, err := app.ParseClockTime(c.Queue.ResetAt); err != nil {
		bad("queue.reset_at: %v", err)
	}
	codes, prefixes := map[string]bool{}, map[string]bool{}
	if len(c.Services) == 0 {
		bad("no services configured")
	}
	for i, s := range c.Services {
		switch {
		case s.Code == "" || s.Name == "" || s.Prefix == "":
			bad("services[%d]: code, name and prefix are required", i)
		case codes[s.Code]:
			bad("services[%d]: duplicate code %q", i, s.Code)
		case prefixes[s.Prefix]:
			bad("services[%d]: duplicate prefix %q", i, s.Prefix)
		}
		codes[s.Code], prefixes[s.Prefix] = true, true
	}
	ids := map[int]bool{}
	for i, w := range c.Windows {
		if w.ID <= 0 || ids[w.ID] {
			bad("windows[%d]: id must be a unique positive number", i)
		}
		ids[w.ID] = true
		for _, s := range w.Services {
			if !codes[s] {
				bad("windows[%d]: unknown service %q", i, s)
			}
		}
	}
	names, workIDs := map[string]bool{}, map[string]bool{}
	for i, s := range c.Staff {
		if s.Name == "" {
			bad("staff[%d]: name is empty", i)
		}
		if names[s.Name] {
			bad("staff[%d]: name %q is listed twice", i, s.Name)
		}
		names[s.Name] = true
		if s.ID != "" && !validStaffID(s.ID) {
			bad("staff[%d]: id %q must be 1 to 16 letters or digits", i, s.ID)
		}
		if s.ID != "" && workIDs[s.ID] {
			bad("staff[%d]: id %q is listed twice", i, s.ID)
		}
		workIDs[s.ID] = true
		if _, err := bcrypt.Cost([]byte(s.PINHash)); err != nil {
			bad("staff[%d]: pin_hash is not a bcrypt hash (make one with: fengqiao pin-hash)", i)
		}
	}
	for i, t := range c.Hub.Tokens {
		if !slices.Contains(app.Roles, t.Role) {
			bad("hub.tokens[%d]: unknown role %q", i, t.Role)
		}
		switch {
		case t.Token == "" && t.File == "":
			bad("hub.tokens[%d]: set token, or file naming the file that holds it", i)
		case t.Token != "" && len(t.Token) < 16:
			bad("hub.tokens[%d]: token must have at least 16 characters", i)
		}
	}
	if err := c.Devices.PrinterSettings().Validate(); err != nil {
		bad("devices: %v", err)
	}
	if (c.Hub.TLSCert == "") != (c.Hub.TLSKey == "") {
		bad("hub.tls_cert and hub.tls_key go together: set both or neither")
	}
	if c.Kiosk.ReceiptMaxAge <= 0 {
		bad("kiosk.receipt_max_age must be positive, e.g. \"10m\"")
	}
	if _, err := c.Devices.ReceiptOptions(); err != nil {
		bad("%v", err)
	}
	errs = append(errs, c.validateBooking(codes)...)
	return errors.Join(errs...)
}

// AppServices returns the service catalogue as domain values.
func (c Config) AppServices() []app.Service {
	out := make([]app.Service, len(c.Services))
	for i, s := range c.Services {
		out[i] = app.Service{Code: s.Code, Name: s.Name, Prefix: s.Prefix, Categories: s.Categories,
			AcceptDays: s.AcceptDays, HandleDays: s.HandleDays, Dispute: s.Dispute, DisputeCategories: s.DisputeCategories}
	}
	return out
}

// AppWindows returns the windows as domain values.
func (c Config) AppWindows() []app.Window {
	out := make([]app.Window, len(c.Windows))
	for i, w := range c.Windows {
		name := w.Name
		if name == "" {
			name = fmt.Sprintf("%d号窗口", w.ID)
		}
		out[i] = app.Window{ID: w.ID, Name: name, Services: w.Services}
	}
	return out
}

// Rules returns the queue rules. The configuration must be valid.
func (c Config) Rules() app.Rules {
	r := app.DefaultRules()
	if loc, err := time.LoadLocation(c.Hall.TimeZone); err == nil {
		r.Location = loc
	}
	r.ResetAt, _ = app.ParseClockTime(c.Queue.ResetAt)
	for _, d := range c.Hall.Weekdays {
		r.Hours.Weekdays = append(r.Hours.Weekdays, time.Weekday(d))
	}
	for _, h := range c.Hall.Hours {
		p, _ := app.ParsePeriod(h)
		r.Hours.Periods = append(r.Hours.Periods, p)
	}
	r.ElderlyAge = max(c.Queue.ElderlyAge, 0)
	r.MaxPriorityStreak = c.Queue.MaxPriorityStreak
	r.PerIDLimit = max(c.Queue.PerIDLimit, 0)
	r.MaxRecalls = c.Queue.MaxRecalls
	return r
}

// PrintQueueDir is the folder of the kiosk's print queue (package printing/spool).
func (c Config) PrintQueueDir() string {
	if c.Kiosk.PrintQueue != "" {
		return c.Kiosk.PrintQueue
	}
	return filepath.Join(c.DataDir, "print-queue")
}

// DatabasePath is where the hall's SQLite database lives.
func (c Config) DatabasePath() string { return filepath.Join(c.DataDir, "fengqiao.db") }

// TokenRole returns the role of a hub token, or "" if the token is unknown.
func (c Config) TokenRole(token string) app.Role {
	for _, t := range c.Hub.Tokens {
		if t.Token == token {
			return t.Role
		}
	}
	return ""
}

// RoleToken returns the first token configured for role, or "".
func (c Config) RoleToken(role app.Role) string {
	for _, t := range c.Hub.Tokens {
		if t.Role == role {
			return t.Token
		}
	}
	return ""
}

// Info returns the hall as its clients see it.
func (c Config) Info() app.Info {
	return app.Info{Name: c.Hall.Name, Code: c.Hall.Code, Phone: c.Hall.Phone, TimeZone: c.Hall.TimeZone,
		Hours:    c.Rules().Hours.String(),
		WaitArea: c.Hall.WaitArea, PublicURL: c.Centre.PublicURL, Services: c.AppServices(),
		Windows: c.AppWindows(), Departments: c.Departments, Staff: c.AppStaff()}
}

// AppStaff returns the window staff as screens show them: names and work numbers, no PIN hashes.
func (c Config) AppStaff() []app.StaffMember {
	out := make([]app.StaffMember, 0, len(c.Staff))
	for _, s := range c.Staff {
		out = append(out, app.StaffMember{Name: s.Name, ID: s.ID})
	}
	return out
}

// validStaffID reports whether id is a plausible work number: 1 to 16 ASCII letters or digits.
func validStaffID(id string) bool {
	if len(id) == 0 || len(id) > 16 {
		return false
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}
