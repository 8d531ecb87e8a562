package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/devices/devstate"
	"fengqiao/devices/idcard"
	"fengqiao/devices/printer"
	"fengqiao/devices/scanner"
	"fengqiao/devices/serialport"
	"fengqiao/hallsync"
	"fengqiao/store"
)

// Names of the checks, in the order they run.
const (
	CheckConfig   = "配置文件 configuration"
	CheckReader   = "身份证阅读器 ID card reader"
	CheckScanner  = "扫码器 QR scanner"
	CheckPrinter  = "打印机 receipt printer"
	CheckHub      = "大厅服务 hub"
	CheckCentre   = "中心 centre"
	CheckSync     = "同步 sync"
	CheckDatabase = "数据库 database"
	CheckDisk     = "磁盘空间 disk space"
	CheckClock    = "时钟 clock"
)

// quiet discards the diagnostics of the device packages: the report says what matters.
var quiet = slog.New(slog.DiscardHandler)

// Run runs every check and returns the report. It never fails: what cannot be checked is
// reported as a failure or skipped, with the reason.
func (d *Doctor) Run(ctx context.Context) Report {
	cfg, res := d.checkConfig()
	report := Report{res}
	if res.Status == Fail && cfg == nil {
		return report // nothing else can be judged without a configuration
	}
	report = append(report,
		d.checkReader(ctx, cfg.Devices),
		d.checkScanner(ctx, cfg.Devices),
		d.checkPrinter(ctx, cfg.Devices),
		d.checkHub(ctx, *cfg),
	)
	centre, centreDate := d.checkCentre(ctx, cfg.Centre)
	report = append(report, centre)
	report = append(report, d.checkDatabase(ctx, *cfg)...)
	report = append(report, d.checkDisk(cfg.DataDir), d.checkClock(ctx, centreDate))
	return report
}

func ok(check, finding string) Result { return Result{Check: check, Status: OK, Finding: finding} }

func skipped(check, finding string) Result {
	return Result{Check: check, Status: Skipped, Finding: finding}
}

func fail(check, finding, zh, en string) Result {
	return Result{Check: check, Status: Fail, Finding: finding, Remedy: Remedy{ZH: zh, EN: en}}
}

func warn(check, finding, zh, en string) Result {
	return Result{Check: check, Status: Warn, Finding: finding, Remedy: Remedy{ZH: zh, EN: en}}
}

// checkConfig loads the configuration. It returns nil when the file cannot be read at all; a
// configuration that reads but does not validate is returned, to check the rest with.
func (d *Doctor) checkConfig() (*config.Config, Result) {
	name := d.ConfigPath
	if name == "" {
		name = "built-in demo hall"
	}
	cfg, err := config.Load(d.ConfigPath)
	if err != nil {
		if cfg.Validate() == nil { // Load fell back to the defaults: the file itself is unreadable
			return nil, fail(CheckConfig, err.Error(),
				"检查文件是否存在、能否读取（sudo 运行），并改正所指行的 TOML 语法错误。",
				"Check that the file exists and is readable (run with sudo), and fix the TOML syntax error it names.")
		}
		return &cfg, fail(CheckConfig, name+": "+strings.ReplaceAll(err.Error(), "\n", "; "),
			"按提示修改配置文件，然后重启服务：systemctl restart fengqiao-hub。",
			"Correct the settings named, then restart: systemctl restart fengqiao-hub.")
	}
	if d.ConfigPath != "" {
		if err := cfg.CheckSecrets(); err != nil {
			return &cfg, fail(CheckConfig, name+": "+strings.ReplaceAll(err.Error(), "\n", "; "),
				"令牌文件缺失时运行 dpkg-reconfigure fengqiao；示例令牌换成随机值（openssl rand -hex 16）；用 fengqiao staff add 重设示例 PIN。",
				"Missing token files: dpkg-reconfigure fengqiao; example tokens: replace with openssl rand -hex 16; example PINs: fengqiao staff add.")
		}
		if len(cfg.Staff) == 0 {
			return &cfg, warn(CheckConfig, name+": valid, but no staff yet: nobody can sign in at a window console",
				"用 fengqiao staff add 姓名 --id 工号 添加工作人员，然后重启服务：systemctl restart fengqiao-hub。",
				"Add the staff with fengqiao staff add NAME --id NUMBER, then restart: systemctl restart fengqiao-hub.")
		}
	}
	for _, s := range cfg.Staff {
		if s.CheckPIN("1234") {
			return &cfg, warn(CheckConfig, fmt.Sprintf("%s: valid, but staff %s still has the example PIN", name, s.Name),
				"用 fengqiao staff remove 和 fengqiao staff add 为其设置新的 PIN。",
				"Set a new PIN with fengqiao staff remove, then fengqiao staff add.")
		}
	}
	return &cfg, ok(CheckConfig, name+": valid")
}

func (d *Doctor) checkReader(ctx context.Context, dev config.Devices) Result {
	if dev.IDCardPort == "" {
		return skipped(CheckReader, "not configured (devices.idcard_port)")
	}
	r, err := idcard.Open(idcard.Config{Port: dev.IDCardPort, Baud: dev.IDCardBaud, Retries: 1, Logger: quiet})
	if res, held := d.heldByKiosk(ctx, CheckReader, dev.IDCardPort, err); held {
		return res
	}
	if err != nil {
		return deviceOpenFailure(CheckReader, dev.IDCardPort, err, "dialout")
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(ctx, d.probeTimeout())
	defer cancel()
	id, err := r.SAMID(ctx)
	switch {
	case err == nil:
		return ok(CheckReader, fmt.Sprintf("%s answers, SAM %s", dev.IDCardPort, id))
	case errors.Is(err, idcard.ErrDisconnected):
		return fail(CheckReader, fmt.Sprintf("未连接 not connected: %v", err),
			"插好阅读器的 USB 线，确认 "+dev.IDCardPort+" 存在（fengqiao devices）。",
			"Plug the reader's USB cable in and check that "+dev.IDCardPort+" exists (fengqiao devices).")
	case errors.Is(err, idcard.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return fail(CheckReader, fmt.Sprintf("%s does not answer at %d baud", dev.IDCardPort, orDefault(dev.IDCardBaud, idcard.DefaultBaud)),
			"确认该端口接的是身份证阅读器（fengqiao devices），阅读器已通电；波特率与 devices.idcard_baud 一致。",
			"Check that this port is the ID card reader (fengqiao devices) and powered, and that devices.idcard_baud matches it.")
	}
	return fail(CheckReader, fmt.Sprintf("故障 fault: %v", err),
		"拔下阅读器再插上；仍有故障请联系阅读器厂家（安全模块 SAM 异常）。",
		"Unplug the reader and plug it back in; if the fault stays, call the reader's supplier (SAM module fault).")
}

// deviceOpenFailure explains why a device's port did not open.
func deviceOpenFailure(check, port string, err error, group string) Result {
	if errors.Is(err, fs.ErrPermission) {
		return fail(check, fmt.Sprintf("%s: permission denied", port),
			"把运行程序的用户加入 "+group+" 组（sudo usermod -aG "+group+" 用户名），重新登录。",
			"Add the user running the program to the "+group+" group (sudo usermod -aG "+group+" USER) and log in again.")
	}
	return fail(check, fmt.Sprintf("未连接 not connected: %v", err),
		"插好设备的 USB 线；用 fengqiao devices 查看端口，确认 udev 规则给出了 "+port+"。",
		"Plug the device in; list the ports with fengqiao devices and check that the udev rule creates "+port+".")
}

func (d *Doctor) checkScanner(ctx context.Context, dev config.Devices) Result {
	if dev.ScannerPort == "" {
		return skipped(CheckScanner, "not configured (devices.scanner_port; keyboard-mode scanners need none)")
	}
	p, err := serialport.Open(dev.ScannerPort, serialport.Config{Baud: orDefault(dev.ScannerBaud, scanner.DefaultBaud), ReadTimeout: 100 * time.Millisecond})
	if res, held := d.heldByKiosk(ctx, CheckScanner, dev.ScannerPort, err); held {
		return res
	}
	if err != nil {
		return deviceOpenFailure(CheckScanner, dev.ScannerPort, err, "dialout")
	}
	p.Close()
	return ok(CheckScanner, dev.ScannerPort+" opens (a scanner only speaks when it reads a code: scan a receipt at the kiosk to test it)")
}

// heldByKiosk reports, for a device whose port another process holds (err wraps
// serialport.ErrInUse), what the kiosk says about it on its device state socket — "in use by the
// kiosk: 就绪" — or that some other process holds it. The port is not touched.
func (d *Doctor) heldByKiosk(ctx context.Context, check, port string, err error) (Result, bool) {
	if !errors.Is(err, serialport.ErrInUse) {
		return Result{}, false
	}
	socket := d.KioskSocket
	if socket == "" {
		socket = devstate.DefaultPath()
	}
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	devs, aerr := devstate.Ask(actx, socket, port)
	if aerr != nil || len(devs) == 0 {
		return fail(check, port+": in use by another process",
			"关闭占用该端口的程序（自助机以外的程序）；用 fuser -v "+port+" 查看是哪个程序。",
			"Close the program holding the port (not the kiosk); fuser -v "+port+" shows which one."), true
	}
	finding := port + ": in use by the kiosk: " + devs[0].State
	if devs[0].State == "就绪" {
		return ok(check, finding), true
	}
	return warn(check, finding, "查看自助机屏幕和工作人员呼叫提示；必要时重启自助机。",
		"See the kiosk's screen and the staff alerts; restart the kiosk if needed."), true
}

func (d *Doctor) checkPrinter(ctx context.Context, dev config.Devices) Result {
	if dev.Printer == "" {
		return skipped(CheckPrinter, "not configured (devices.printer)")
	}
	p, _, err := dev.ReceiptPrinter(dev.Printer)
	if err != nil {
		return fail(CheckPrinter, err.Error(), "改正配置中的 devices.printer。", "Correct devices.printer in the configuration.")
	}
	if f, isFolder := p.(*printer.Folder); isFolder {
		if st, err := os.Stat(f.Dir); err != nil || !st.IsDir() {
			return fail(CheckPrinter, f.Dir+": no such folder",
				"创建该文件夹，或改正 devices.printer。", "Create the folder or correct devices.printer.")
		}
		return ok(CheckPrinter, "receipts are written as PDF files to "+f.Dir)
	}
	group := "lp"
	if _, serial := p.(*printer.Serial); serial {
		group = "dialout"
	}
	ctx, cancel := context.WithTimeout(ctx, d.probeTimeout())
	defer cancel()
	st, err := p.Status(ctx)
	if res, held := d.heldByKiosk(ctx, CheckPrinter, printer.Port(dev.Printer), err); held {
		return res
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return deviceOpenFailure(CheckPrinter, dev.Printer, err, group)
	case errors.Is(err, printer.ErrCUPSDown):
		return fail(CheckPrinter, "CUPS is not running (cupsd) — 打印服务未运行",
			"启动打印服务：sudo systemctl start cups。", "Start CUPS: sudo systemctl start cups.")
	case errors.Is(err, printer.ErrNoReply):
		return fail(CheckPrinter, dev.Printer+": no answer to the status request (DLE EOT 4)",
			"打开打印机电源，检查数据线；确认是 ESC/POS 小票打印机且端口无误（fengqiao devices）。",
			"Switch the printer on and check its cable; check that it is an ESC/POS receipt printer on this port (fengqiao devices).")
	case printer.IsUnreachable(err):
		return fail(CheckPrinter, fmt.Sprintf("未连接 unreachable: %v", err),
			"打开打印机电源，插好数据线（网络打印机检查网线和 IP 地址）；fengqiao devices 查看端口。",
			"Switch the printer on and plug its cable in (network printers: cable and IP address); list the ports with fengqiao devices.")
	case err != nil:
		return fail(CheckPrinter, fmt.Sprintf("%s: %v", dev.Printer, err),
			"检查打印机型号是否支持 ESC/POS 状态查询，或改用 cups: 队列。",
			"Check that the printer supports ESC/POS status queries, or use a cups: queue.")
	}
	switch st {
	case printer.PaperOut:
		return fail(CheckPrinter, st.Message()+" paper out ("+dev.Printer+")",
			"装入新的热敏纸卷（纸宽 "+fmt.Sprint(orDefault(dev.Paper, 80))+" mm），合上纸仓盖。",
			fmt.Sprintf("Load a new thermal paper roll (%d mm) and close the cover.", orDefault(dev.Paper, 80)))
	case printer.PaperNearEnd:
		return warn(CheckPrinter, st.Message()+" paper nearly used up ("+dev.Printer+")",
			"准备好新纸卷，尽快更换。", "Have a new roll ready and change it soon.")
	case printer.PaperOK:
		return ok(CheckPrinter, st.Message()+" paper OK ("+dev.Printer+")")
	}
	return ok(CheckPrinter, dev.Printer+" reachable; it does not report its paper")
}

// hubURL returns the base URL of the hall's hub: hub.url, or the local listen address.
func hubURL(h config.Hub) string {
	if h.URL != "" {
		return strings.TrimRight(h.URL, "/")
	}
	host, port, err := net.SplitHostPort(h.Listen)
	if err != nil {
		return "http://" + h.Listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// get fetches url with an optional bearer token and returns the response with its body closed.
func (d *Doctor) get(ctx context.Context, url, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := d.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

func (d *Doctor) checkHub(ctx context.Context, cfg config.Config) Result {
	base := hubURL(cfg.Hub)
	resp, err := d.get(ctx, base+"/healthz", "")
	if err != nil || resp.StatusCode != http.StatusOK {
		finding := fmt.Sprintf("%s does not answer", base)
		if err != nil {
			finding += ": " + errors.Unwrap(err).Error()
		}
		if cfg.Hub.URL != "" {
			return fail(CheckHub, finding,
				"检查网络，确认大厅主机已开机且 fengqiao-hub 服务在运行；hub.url 是否正确。",
				"Check the network, that the hub PC is on and runs fengqiao-hub, and that hub.url is right.")
		}
		return fail(CheckHub, finding,
			"启动服务：sudo systemctl enable --now fengqiao-hub；失败原因见 journalctl -u fengqiao-hub。",
			"Start it: sudo systemctl enable --now fengqiao-hub; see why it fails with journalctl -u fengqiao-hub.")
	}
	token := cfg.RoleToken(app.RoleKiosk)
	for _, role := range []app.Role{app.RoleWindow, app.RoleDisplay, app.RoleRating} {
		token = orDefault(token, cfg.RoleToken(role))
	}
	if token == "" {
		return ok(CheckHub, base+" answers")
	}
	resp, err = d.get(ctx, base+"/api/v1/hall", token)
	switch {
	case err != nil:
		return fail(CheckHub, fmt.Sprintf("%s: %v", base, err), "重试；仍失败请查看 journalctl -u fengqiao-hub。",
			"Try again; if it persists, see journalctl -u fengqiao-hub.")
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fail(CheckHub, base+" refuses this configuration's token",
			"本机配置的 [[hub.tokens]] 须与大厅主机的配置一致。",
			"The [[hub.tokens]] of this PC's configuration must match those of the hub PC.")
	case resp.StatusCode != http.StatusOK:
		return fail(CheckHub, fmt.Sprintf("%s: %s", base, resp.Status), "查看 journalctl -u fengqiao-hub。",
			"See journalctl -u fengqiao-hub.")
	}
	return ok(CheckHub, base+" answers and accepts the token")
}

// checkCentre checks that the centre answers and returns the time its Date header gave (zero if
// none), for the clock check.
func (d *Doctor) checkCentre(ctx context.Context, c config.Centre) (Result, time.Time) {
	if c.SyncURL == "" {
		return skipped(CheckCentre, "no centre configured (centre.sync_url): records stay in the hall"), time.Time{}
	}
	base := strings.TrimRight(c.SyncURL, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fail(CheckCentre, fmt.Sprintf("centre.sync_url %q is not an http(s) address", c.SyncURL),
			"改正 centre.sync_url，例如 http://zzzx.example.gov.cn:8480。",
			"Correct centre.sync_url, e.g. http://zzzx.example.gov.cn:8480."), time.Time{}
	}
	resp, err := d.get(ctx, base+"/healthz", "")
	if err != nil {
		return fail(CheckCentre, fmt.Sprintf("%s unreachable: %v", base, errors.Unwrap(err)),
			"检查本机到中心的网络（政务外网/专线）与 centre.sync_url；记录会留在大厅，恢复后自动补传。",
			"Check the network to the centre (government intranet) and centre.sync_url; records wait in the hall and are sent once it is back."), time.Time{}
	}
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	if resp.StatusCode != http.StatusOK {
		return fail(CheckCentre, fmt.Sprintf("%s answers %s", base, resp.Status),
			"联系中心管理员检查 fengqiao-center 服务。", "Ask the centre's administrator to check the fengqiao-center service."), date
	}
	if c.Token == "" {
		return fail(CheckCentre, base+" answers, but centre.token is empty",
			"在中心运行 fengqiao-center site add 站点名，把令牌填入 centre.token。",
			"Run fengqiao-center site add SITE at the centre and put the token in centre.token."), date
	}
	return ok(CheckCentre, base+" answers"), date
}

// checkDatabase checks the hall database on this PC: its integrity and, with a centre, the
// sync backlog. A PC that only uses a hub elsewhere has no database.
func (d *Doctor) checkDatabase(ctx context.Context, cfg config.Config) []Result {
	path := cfg.DatabasePath()
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return []Result{needRoot(CheckDatabase, path)}
		}
		if cfg.Hub.URL != "" {
			return []Result{skipped(CheckDatabase, "none on this PC: it uses the hub at "+cfg.Hub.URL)}
		}
		return []Result{fail(CheckDatabase, path+": not created yet",
			"启动大厅服务（sudo systemctl start fengqiao-hub），它会创建数据库。",
			"Start the hub (sudo systemctl start fengqiao-hub); it creates the database.")}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "permission denied") ||
			strings.Contains(err.Error(), "readonly") {
			return []Result{needRoot(CheckDatabase, path)}
		}
		return []Result{fail(CheckDatabase, fmt.Sprintf("%s: %v", path, err),
			"若正在恢复备份请稍候重试；否则用 fengqiao restore 从 "+filepath.Join(cfg.DataDir, "backups")+" 恢复最近的备份。",
			"If a restore is running, try again later; otherwise restore the latest backup from "+filepath.Join(cfg.DataDir, "backups")+" with fengqiao restore.")}
	}
	defer keepOwner(path)
	defer db.Close()
	var out []Result
	if cfg.Centre.SyncURL == "" {
		out = append(out, skipped(CheckSync, "no centre configured"))
	} else {
		out = append(out, d.checkSync(ctx, db))
	}
	if err := db.Integrity(ctx); err != nil {
		out = append(out, fail(CheckDatabase, fmt.Sprintf("%s: %v", path, err),
			"停止服务（systemctl stop fengqiao-hub），用 fengqiao restore 恢复最近的备份，再启动服务。",
			"Stop the hub (systemctl stop fengqiao-hub), restore the latest backup with fengqiao restore, start the hub again."))
	} else {
		out = append(out, ok(CheckDatabase, path+": integrity check passed"))
	}
	return out
}

func needRoot(check, path string) Result {
	return fail(check, path+": permission denied",
		"用管理员权限运行：sudo fengqiao doctor。", "Run it as root: sudo fengqiao doctor.")
}

func (d *Doctor) checkSync(ctx context.Context, db *store.DB) Result {
	now := d.now()
	st, err := hallsync.ReadStatus(ctx, db, now)
	if err != nil {
		return fail(CheckSync, err.Error(), "查看 journalctl -u fengqiao-hub。", "See journalctl -u fengqiao-hub.")
	}
	last := "never"
	if st.LastSuccess != nil {
		last = now.Sub(*st.LastSuccess).Round(time.Second).String() + " ago"
	}
	lag := orDefault(d.MaxSyncLag, 15*time.Minute)
	switch {
	case st.Recovering:
		return warn(CheckSync, "restored database: the hub has not yet taken back its records from the centre",
			"启动 fengqiao-hub 并确认能连到中心：恢复完成前大厅不会开始服务。",
			"Start fengqiao-hub and make sure it reaches the centre: the hall serves once the recovery is done.")
	case st.Lost > 0:
		return warn(CheckSync, fmt.Sprintf("%d record(s) made after the last backup never reached the centre and were lost in the restore", st.Lost),
			"请核对当天纸质记录，补登丢失的登记；票号不会重复发放。",
			"Check the day's paper records and register the lost visits again; ticket numbers are not issued twice.")
	case st.Backlog == 0 && st.LastSuccess == nil:
		return ok(CheckSync, "nothing to send to the centre yet")
	case st.Backlog == 0:
		return ok(CheckSync, "in sync with the centre (last exchange "+last+")")
	case st.OldestPending <= lag:
		return ok(CheckSync, fmt.Sprintf("%d record(s) on their way to the centre (oldest %s)", st.Backlog, st.OldestPending.Round(time.Second)))
	}
	finding := fmt.Sprintf("%d record(s) not at the centre, the oldest for %s; last exchange %s", st.Backlog, st.OldestPending.Round(time.Second), last)
	if st.LastError != "" {
		finding += "; last error: " + st.LastError
	}
	return fail(CheckSync, finding,
		"先解决上面“中心”一项；确认 centre.token 正确、fengqiao-hub 在运行。记录不会丢失，恢复后自动补传。",
		"Fix the centre check above first; check centre.token and that fengqiao-hub runs. No record is lost: they are sent once the link works.")
}

func (d *Doctor) checkDisk(dir string) Result {
	// The data folder may not exist yet; its nearest existing parent is on the same disk.
	for {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	free, total, err := diskSpace(dir)
	if err != nil {
		return warn(CheckDisk, fmt.Sprintf("%s: %v", dir, err), "用 df -h 手动查看。", "Check it by hand with df -h.")
	}
	minFree := orDefault(d.MinFree, 512<<20)
	finding := fmt.Sprintf("%s free of %s (%s)", bytesString(free), bytesString(total), dir)
	switch {
	case free < minFree:
		return fail(CheckDisk, finding,
			"删除 "+filepath.Join(dir, "backups")+" 中较旧的备份或其他大文件，至少留出 "+bytesString(minFree)+"。",
			"Delete old backups in "+filepath.Join(dir, "backups")+" or other large files; keep at least "+bytesString(minFree)+" free.")
	case free < 4*minFree:
		return warn(CheckDisk, finding, "近期清理磁盘空间。", "Free some disk space soon.")
	}
	return ok(CheckDisk, finding)
}

func bytesString(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// checkClock checks that the clock is right: the daily number reset and every deadline depend
// on it. centre is the centre's time from its Date header, or zero.
func (d *Doctor) checkClock(ctx context.Context, centre time.Time) Result {
	sync := d.ClockSync
	if sync == nil {
		sync = TimedatectlSync
	}
	synced, err := sync(ctx)
	if err == nil && synced {
		return ok(CheckClock, "synchronised with a time server (NTP)")
	}
	const (
		fixZH = "开启网络对时：sudo timedatectl set-ntp true，并在 /etc/systemd/timesyncd.conf 的 NTP= 填写内网可达的时间服务器；或手动校正时间。"
		fixEN = "Turn on network time: sudo timedatectl set-ntp true, with a time server reachable from the intranet as NTP= in /etc/systemd/timesyncd.conf; or set the clock by hand."
	)
	if !centre.IsZero() {
		skew := d.now().Sub(centre)
		maxSkew := orDefault(d.MaxClockSkew, 30*time.Second)
		if skew.Abs() > maxSkew {
			return fail(CheckClock, fmt.Sprintf("%s off from the centre's clock (now %s here)", skew.Round(time.Second),
				d.now().Format("2006-01-02 15:04:05")), fixZH, fixEN)
		}
		if err == nil { // timedatectl says it is not synchronised, but it is right for now
			return warn(CheckClock, fmt.Sprintf("not synchronised by NTP, but within %s of the centre", skew.Abs().Round(time.Second)), fixZH, fixEN)
		}
		return ok(CheckClock, fmt.Sprintf("within %s of the centre's clock", skew.Abs().Round(time.Second)))
	}
	if err == nil {
		return fail(CheckClock, "not synchronised with a time server (timedatectl: NTPSynchronized=no)", fixZH, fixEN)
	}
	return warn(CheckClock, "cannot tell: no timedatectl and no centre to compare with",
		"确认系统时间正确，并开启网络对时。", "Make sure the clock is right and network time is on.")
}
