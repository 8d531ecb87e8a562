package console

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/screens/theme"
)

// casePanel is the case form under the visitor: category, handling, department, mediation level,
// result, follow-up date, summary and note of the current visitor's case.
type casePanel struct {
	code        *widget.Label // the case's 查询码 and status
	category    *widget.Select
	handling    *widget.RadioGroup
	dept        *widget.Select
	level       *widget.Select
	result      *widget.Select
	followUp    *keyEntry
	followQuick []*widget.Button // follow-up date shortcuts: in 3, 7, 15 and 30 days
	summary     *keyEntry
	note        *keyEntry
	save        *widget.Button
}

// buildCaseForm makes the case form of the current visitor's case.
func (sc *Screen) buildCaseForm() fyne.CanvasObject {
	form := sc.newCasePanel(&sc.form, func() { sc.saveCase() })
	sc.buttons[ActSave] = sc.form.save
	return container.NewVBox(container.NewBorder(nil, nil, heading("案件登记"), nil, sc.form.code), form)
}

// newCasePanel makes the widgets of a case form into f and returns the form; save is its 保存案件.
func (sc *Screen) newCasePanel(f *casePanel, save func()) fyne.CanvasObject {
	f.code = widget.NewLabel("")
	f.category = widget.NewSelect(nil, nil)
	f.category.PlaceHolder = "选择类别"
	f.handling = widget.NewRadioGroup(Handlings, func(string) { f.render() })
	f.handling.Horizontal = true
	f.dept = widget.NewSelect(sc.s.Info.Departments, nil)
	f.dept.PlaceHolder = "选择部门"
	f.level = widget.NewSelect(app.MediationLevels, nil)
	f.level.PlaceHolder = "选择级别"
	var results []string
	for _, r := range Results {
		results = append(results, r.Label())
	}
	f.result = widget.NewSelect(results, nil)
	f.result.PlaceHolder = "尚无结果"
	f.followUp = newKeyEntry(false)
	f.followUp.SetPlaceHolder("YYYY-MM-DD")
	f.followUp.onKey = sc.key
	quick := container.NewHBox()
	for _, d := range []int{3, 7, 15, 30} {
		b := widget.NewButton(strconv.Itoa(d)+"天后", func() {
			f.followUp.SetText(sc.opt.Now().In(sc.s.Info.Location()).AddDate(0, 0, d).Format(time.DateOnly))
		})
		f.followQuick = append(f.followQuick, b)
		quick.Add(outlined(b))
	}
	f.summary = newKeyEntry(true)
	f.summary.SetPlaceHolder("诉求摘要")
	f.summary.SetMinRowsVisible(3)
	f.summary.onKey = sc.key
	f.note = newKeyEntry(false)
	f.note.SetPlaceHolder("备注（可选）")
	f.note.onKey = sc.key
	f.save = widget.NewButton("保存案件", save)
	f.save.Importance = widget.HighImportance
	return widget.NewForm(
		widget.NewFormItem("类别", f.category),
		widget.NewFormItem("办理方式", f.handling),
		widget.NewFormItem("转办部门", container.NewGridWithColumns(2, f.dept,
			container.NewBorder(nil, nil, widget.NewLabel("调解级别"), nil, f.level))),
		widget.NewFormItem("办理结果", f.result),
		widget.NewFormItem("回访日期", container.NewBorder(nil, nil, nil, quick, f.followUp)),
		widget.NewFormItem("摘要", f.summary),
		widget.NewFormItem("备注", container.NewBorder(nil, nil, nil, f.save, f.note)),
	)
}

// renderForm enables the form's pickers that the chosen handling needs.
func (sc *Screen) renderForm() { sc.form.render() }

// render enables the pickers that the chosen handling needs.
func (f *casePanel) render() {
	if f.handling == nil || f.dept == nil || f.level == nil {
		return // still being built
	}
	h := f.handling.Selected
	setEnabled(f.dept, h == HandleReferral)
	setEnabled(f.level, h == HandleMediation || h == HandleReferral)
}

// clear empties the form.
func (f *casePanel) clear() {
	f.code.SetText("")
	f.category.Options = nil
	f.category.ClearSelected()
	f.handling.SetSelected("")
	f.dept.ClearSelected()
	f.level.ClearSelected()
	f.result.ClearSelected()
	f.followUp.SetText("")
	f.summary.SetText("")
	f.note.SetText("")
}

// show fills the cleared form from case c; categories are those of its service.
func (f *casePanel) show(c app.Case, categories []string) {
	f.code.SetText(codeText(c))
	f.category.Options = categories
	if c.Category != "" {
		if !slices.Contains(f.category.Options, c.Category) {
			f.category.Options = append(f.category.Options, c.Category)
		}
		f.category.SetSelected(c.Category)
	}
	f.summary.SetText(c.Summary)
	f.followUp.SetText(c.FollowUpOn)
	switch {
	case c.Handling == app.HandlingReferral:
		f.handling.SetSelected(HandleReferral)
		f.dept.SetSelected(c.Department)
	case c.Handling == app.HandlingMediation:
		f.handling.SetSelected(HandleMediation)
	case c.Status == app.CaseAccepted:
		f.handling.SetSelected(HandleAccept)
	}
	if c.Level != "" {
		f.level.SetSelected(c.Level)
	}
}

// values returns what the form holds.
func (f *casePanel) values() CaseForm {
	v := CaseForm{Category: f.category.Selected, Summary: f.summary.Text, Handling: f.handling.Selected,
		Department: f.dept.Selected, Level: f.level.Selected, FollowUpOn: strings.TrimSpace(f.followUp.Text),
		Note: f.note.Text}
	for _, r := range Results {
		if r.Label() == f.result.Selected {
			v.Result = r
		}
	}
	return v
}

// saveCase applies the form to the current visitor's case. When the hub is unreachable the form
// keeps what was typed.
func (sc *Screen) saveCase() {
	if sc.visitor.history == nil || sc.visitor.history.Case == nil {
		return
	}
	form := sc.form.values()
	if form.Handling == "" {
		sc.say("请选择办理方式", theme.Warning)
		return
	}
	kase := *sc.visitor.history.Case
	var saved app.Case
	sc.run(ActSave, sc.form.save, func(ctx context.Context) error {
		var err error
		saved, err = sc.s.SaveCase(ctx, kase, form)
		return err
	}, func(err error) {
		if err != nil {
			msg := errText(err)
			if errors.Is(err, hub.ErrUnreachable) {
				msg = "无法连接叫号服务器，填写的内容已保留，恢复后请再按保存"
			}
			sc.say(msg, theme.Alert)
			return
		}
		if sc.visitor.history != nil {
			sc.visitor.history.Case = &saved
		}
		sc.form.code.SetText(codeText(saved))
		sc.form.note.SetText("")
		sc.say("案件已保存："+saved.Status.Label(), theme.Success)
	})
}

// codeText is the form's line about case c: its 查询码 and status, and who works it when this hall
// escalated it (上报).
func codeText(c app.Case) string {
	line := "查询码 " + c.Code + " · " + c.Status.Label()
	if c.Owner == app.OwnerCentre {
		line += " · 由" + ownerLabel(c) + "办理"
	}
	return line
}
