package console

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// gridCase is a dispute a 网格员 registered, as the centre sends it to the village's hall.
func gridCase(risk app.Risk, summary string) app.Case {
	at := time.Now().UTC()
	v := app.Visitor{Name: "王五福", IDNumber: "11010519491231002X", Phone: "13912345678"}.Masked()
	return app.Case{Code: app.NewCentreCaseCode(), Service: "mediation", Category: "邻里纠纷", Status: app.CaseRegistered,
		Owner: app.OwnerCentre, Summary: summary, OpenedAt: at, UpdatedAt: at, Source: app.SourceGrid, Risk: risk,
		Grid: "东村第一网格一组", Visitor: &v, History: []app.CaseEntry{{At: at, Kind: app.EntryStatus,
			Status: app.CaseRegistered, By: "东村网格员", Note: "网格员登记（网格排查）"}}}
}

// holds reports whether the list box shows the button.
func holds(box *fyne.Container, b fyne.CanvasObject) bool {
	return slices.ContainsFunc(box.Objects, func(o fyne.CanvasObject) bool {
		s, ok := o.(*fyne.Container)
		return ok && slices.Contains(s.Objects, b)
	})
}

// TestAssignedAndNoticedCases: a village hall's staff open the cases page from the header; a
// dispute the centre assigned to the village is listed with its source and risk and worked to
// closure with the case form, with a follow-up, by tapping; a 重大 dispute the town keeps is
// listed apart and opens read-only.
func TestAssignedAndNoticedCases(t *testing.T) {
	village := newHall(t)
	ctx := context.Background()
	assigned, major := gridCase(app.RiskHigher, "两户因排水沟争执"), gridCase(app.RiskMajor, "十余户与企业的土地纠纷")
	if _, err := village.con.ReceiveAssigned(app.WithIdempotencyKey(ctx, "centre-change/1"), assigned,
		"网格员登记的纠纷，交本村（社区）办理", "东村网格员"); err != nil {
		t.Fatal(err)
	}
	if _, err := village.con.ReceiveNotice(app.WithIdempotencyKey(ctx, "centre-change/2"), major,
		"重大纠纷，由镇综治中心办理，本村（社区）知悉", "东村网格员"); err != nil {
		t.Fatal(err)
	}

	h := newConsole(t, village.window, 1)
	if err := h.signIn(t, "李明", "1234"); err != nil {
		t.Fatal(err)
	}
	p := &h.sc.cases
	test.Tap(h.sc.header.casesBtn)
	h.until(t, "listing the routed cases", func() bool { return p.cases[assigned.Code] != nil && p.cases[major.Code] != nil })
	if got := p.cases[assigned.Code].Text; !strings.HasPrefix(got, "【登记】 网格排查·较大 邻里纠纷 王*福") || !holds(p.list, p.cases[assigned.Code]) {
		t.Errorf("assigned case line %q, in the worked list %v", got, holds(p.list, p.cases[assigned.Code]))
	}
	if !holds(p.notices, p.cases[major.Code]) || holds(p.list, p.cases[major.Code]) ||
		!strings.Contains(p.cases[major.Code].Text, "网格排查·重大") {
		t.Errorf("the town's case is not listed apart: %q", p.cases[major.Code].Text)
	}

	test.Tap(p.cases[major.Code])
	if p.work.Visible() || p.owner.Text != "当前办理：镇综治中心" {
		t.Errorf("the town's case offers the form: owner %q, form %v", p.owner.Text, p.work.Visible())
	}
	if hist := historyText(p); !strings.Contains(hist, "告知本村（东村网格员）") {
		t.Errorf("notice history:\n%s", hist)
	}

	test.Tap(p.cases[assigned.Code])
	if !p.work.Visible() || p.owner.Text != "当前办理：本厅" {
		t.Fatalf("the assigned case is not worked here: owner %q, form %v", p.owner.Text, p.work.Visible())
	}
	if hist := historyText(p); !strings.Contains(hist, "交本村办理（东村网格员）") {
		t.Errorf("assigned history:\n%s", hist)
	}
	test.Type(p.note, "已上门了解情况")
	test.Tap(p.addNote)
	if err := h.wait(t, ActNoteHanded); err != nil {
		t.Fatal(err)
	}
	p.form.handling.SetSelected(HandleMediation)
	p.form.result.SetSelected(app.ResultResolved.Label())
	test.Type(p.form.note, "村调委会调解，双方达成协议")
	test.Tap(p.form.save)
	if err := h.wait(t, ActSaveHanded); err != nil {
		t.Fatal(err)
	}
	c, err := village.con.Case(ctx, assigned.Code)
	if err != nil || c.Status != app.CaseClosed || c.Result != app.ResultResolved || c.Owner != app.OwnerHall {
		t.Fatalf("after 保存案件: %+v, %v", c, err)
	}
	if hist := historyText(p); !strings.Contains(hist, "回访记录（李明）  已上门了解情况") || p.work.Visible() {
		t.Errorf("after closing:\n%s", hist)
	}
}
