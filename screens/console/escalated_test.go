package console

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/screens/shottest"
	"fengqiao/screens/theme"
)

// historyText is the page's history, one line each.
func historyText(p *casesPage) string {
	var lines []string
	for _, o := range p.history.Objects {
		lines = append(lines, o.(*canvas.Text).Text)
	}
	return strings.Join(lines, "\n")
}

// handedCase is a village's escalated case as the centre hands it to the town hall.
func handedCase(t *testing.T, village *hall) app.Case {
	t.Helper()
	ctx := context.Background()
	tk, err := village.kiosk.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
		Visitor: &app.Visitor{IDNumber: "11010519491231002X", Name: "赵六", Phone: "13700001234"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := village.con.Escalate(ctx, tk.CaseCode, "涉及两个村", "村干部"); err != nil {
		t.Fatal(err)
	}
	kctx := app.WithIdempotencyKey(ctx, "centre-change/1")
	if _, err := village.con.AcceptEscalation(kctx, tk.CaseCode, "", "李主任"); err != nil {
		t.Fatal(err)
	}
	c, err := village.con.Case(ctx, tk.CaseCode)
	if err != nil {
		t.Fatal(err)
	}
	c.Owner = app.OwnerCentre
	return c
}

// TestHandedCasesPage: the town hall's staff open 镇级受理案件 from the header, open a case the
// centre handed over, work it to closure with the case form and record a follow-up, all by
// tapping; a village's console looks its escalated case up by 查询码 and sees the centre's work.
func TestHandedCasesPage(t *testing.T) {
	village, town := newHall(t), newHall(t)
	ctx := context.Background()
	sent := handedCase(t, village)
	if _, err := town.con.ReceiveHandover(app.WithIdempotencyKey(ctx, "centre-change/1"), sent,
		"由镇综治中心移交本厅办理（来自东村）", "李主任"); err != nil {
		t.Fatal(err)
	}

	h := newConsole(t, town.window, 2)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	p := &h.sc.cases
	test.Tap(h.sc.header.casesBtn)
	if !p.box.Visible() || h.sc.main.Visible() {
		t.Fatal("the page did not open")
	}
	h.until(t, "listing the handed cases", func() bool { return p.cases[sent.Code] != nil })
	if got := p.cases[sent.Code].Text; !strings.HasPrefix(got, "【登记】 邻里纠纷 赵*") || !strings.HasSuffix(got, sent.Code) {
		t.Errorf("list line %q", got)
	}
	test.Tap(p.cases[sent.Code])
	if !p.work.Visible() || !strings.Contains(p.owner.Text, "本厅") {
		t.Fatalf("a handed case is worked here: owner %q, form shown %v", p.owner.Text, p.work.Visible())
	}
	if hist := historyText(p); !strings.Contains(hist, "中心受理上报（李主任）") || !strings.Contains(hist, "移交办理（李主任）") {
		t.Errorf("history:\n%s", hist)
	}

	test.Type(p.note, "已电话通知双方")
	test.Tap(p.addNote)
	if err := h.wait(t, ActNoteHanded); err != nil {
		t.Fatal(err)
	}
	if hist := historyText(p); !strings.Contains(hist, "回访记录（王芳）  已电话通知双方") || p.note.Text != "" {
		t.Errorf("after 记录回访:\n%s", hist)
	}
	p.form.handling.SetSelected(HandleMediation)
	p.form.result.SetSelected(app.ResultResolved.Label())
	test.Type(p.form.note, "双方达成协议")
	test.Tap(p.form.save)
	if err := h.wait(t, ActSaveHanded); err != nil {
		t.Fatal(err)
	}
	c, err := town.con.Case(ctx, sent.Code)
	if err != nil || c.Status != app.CaseClosed || c.Result != app.ResultResolved {
		t.Fatalf("after 保存案件: %+v, %v", c, err)
	}
	if p.work.Visible() || !strings.Contains(p.title.Text, "结案") {
		t.Errorf("a closed case still offers the form: %q", p.title.Text)
	}

	test.Tap(p.back)
	if p.box.Visible() || !h.sc.main.Visible() {
		t.Fatal("返回叫号 did not go back")
	}

	// The village looks its escalated case up: the centre works it, the page shows its history.
	vh := newConsole(t, village.window, 1)
	if err := vh.signIn(t, "李明", "1234"); err != nil {
		t.Fatal(err)
	}
	vp := &vh.sc.cases
	test.Tap(vh.sc.header.casesBtn)
	vh.until(t, "the empty list", func() bool { return vp.listNote.Text != "" })
	if vp.listNote.Text != "暂无移交本厅办理的案件" {
		t.Errorf("village list note %q", vp.listNote.Text)
	}
	test.Type(vp.lookup, strings.ReplaceAll(sent.Code, "-", ""))
	test.Tap(vp.open)
	vh.until(t, "opening the case by 查询码", func() bool { return vp.shown != nil })
	if vp.shown.Code != sent.Code || vp.owner.Text != "当前办理：镇综治中心" || vp.work.Visible() {
		t.Errorf("village view: %s, owner %q, form %v", vp.shown.Code, vp.owner.Text, vp.work.Visible())
	}
	if codeText(*vp.shown) != "查询码 "+sent.Code+" · 登记 · 由镇综治中心办理" {
		t.Errorf("case line %q", codeText(*vp.shown))
	}
	if hist := historyText(vp); !strings.Contains(hist, "上报镇综治中心（村干部）  涉及两个村") || !strings.Contains(hist, "中心受理上报") {
		t.Errorf("village history:\n%s", hist)
	}
	test.Type(vp.lookup, "X")
	test.Tap(vp.open)
	vh.until(t, "a bad code refused", func() bool { return vp.message.Text != "" })
}

// TestHandedScreenshot renders the page at 1366×768 with a handed case open: console-handed.png.
func TestHandedScreenshot(t *testing.T) {
	shottest.Render(t, func(dir string) error {
		test.NewApp().Settings().SetTheme(theme.Staff())
		sc := demoScreen(config.Default().Info())
		w := test.NewWindow(sc.Content())
		defer w.Close()
		w.SetPadded(true)
		w.Resize(smallScreen)
		serveDemo(sc)
		sc.openCases()
		at := demoNow.Add(-50 * time.Hour)
		entry := func(h int, kind string, st app.CaseStatus, note, by string) app.CaseEntry {
			return app.CaseEntry{At: at.Add(time.Duration(h) * time.Hour), Kind: kind, Status: st, Note: note, By: by}
		}
		open := app.Case{Code: "5CD5-S8E1-Y32C-YMMC-76TM", Service: "mediation", Category: "土地纠纷", Status: app.CaseAssigned,
			Owner: app.OwnerHall, Unit: "镇调委会", Level: "人民调解", Visitor: &app.MaskedVisitor{Name: "张*丰", IDNumber: "330681********1234"},
			History: []app.CaseEntry{
				entry(0, app.EntryStatus, app.CaseRegistered, "", "hall"),
				entry(1, app.EntryStatus, app.CaseAccepted, "当场受理", "村干部"),
				entry(2, app.EntryEscalated, "", "涉及两个村的承包地界，请镇里调处", "村干部"),
				entry(20, app.EntryEscalationAccepted, "", "镇综治中心已受理", "李主任"),
				entry(21, app.EntryStatus, app.CaseAssigned, "", "李主任"),
				entry(26, app.EntrySession, "", "2026-11-26 调解员 王调解员；到场 张三、李四；择期再调", "李主任"),
				entry(27, app.EntryHandover, "", "由镇综治中心移交本厅办理（来自东村）", "李主任"),
			}}
		done := open
		done.Code, done.Status, done.Category = "7KQ2-M9XP-4HVT-W3RA-5C2D", app.CaseClosed, "邻里纠纷"
		done.Visitor = &app.MaskedVisitor{Name: "李*"}
		sc.showHanded([]app.Case{open, done}, nil)
		sc.showCase(open)
		return shottest.Save(w, filepath.Join(dir, "console-handed.png"))
	}, "console-handed.png")
}
