package center

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// followUpNote is the follow-up a 回访 outcome appends to its case, from the dashboard or the phone.
func followUpNote(outcome, note string) (string, error) {
	note = strings.TrimSpace(note)
	if !slices.Contains(FollowUpOutcomes, outcome) || ValidText("note", note, 200) != nil {
		return "", app.Errorf(app.EINVALID, "请选择回访结果，情况说明不超过200字。")
	}
	text := "回访结果：" + outcome
	if note != "" {
		text += "；" + note
	}
	return text, nil
}

func (s *Server) phoneTasks(w http.ResponseWriter, r *http.Request, v visit) {
	tasks, err := s.phone.FollowUpTasks(r.Context(), v.User.ID)
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	type task struct {
		FollowUpTask
		StatusLabel string `json:"status_label"`
	}
	out := make([]task, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, task{FollowUpTask: t, StatusLabel: t.Status.Label()})
	}
	phoneJSON(w, http.StatusOK, map[string]any{"tasks": out})
}

// phoneTaskDone records the outcome of a 回访 task. A task recorded already answers done, so the
// outbox may send it again.
func (s *Server) phoneTaskDone(w http.ResponseWriter, r *http.Request, v visit) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.phoneFail(w, r, app.Errorf(app.ENOTFOUND, "no such follow-up task"))
		return
	}
	var req struct {
		Key     string `json:"key"`
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	if err := decodeBody(r, &req); err != nil {
		s.phoneFail(w, r, err)
		return
	}
	note, err := followUpNote(req.Outcome, req.Note)
	if err != nil {
		s.phoneFail(w, r, err)
		return
	}
	t, err := s.phone.CompleteFollowUp(r.Context(), id, v.User, req.Outcome, note, s.now())
	switch app.ErrorCode(err) {
	case "":
		s.audit(r, v, "case.followup", AuditEntry{Case: t.Code})
		phoneJSON(w, http.StatusOK, map[string]any{"code": t.Code, "created": true})
	case app.ECONFLICT:
		phoneJSON(w, http.StatusOK, map[string]any{"code": t.Code, "created": false})
	default:
		s.phoneFail(w, r, err)
	}
}

// gridTaskBox is the case page's 回访 assignment: the tasks of the case and, for a user who may
// write, the phone users of the village to assign it to.
type gridTaskBox struct {
	Show    bool
	Tasks   []FollowUpTask
	Workers []User
	Today   string
}

func (s *Server) gridTasks(ctx context.Context, code string, v visit) gridTaskBox {
	if s.phone == nil {
		return gridTaskBox{}
	}
	tasks, err := s.phone.CaseFollowUpTasks(ctx, code)
	if err != nil {
		s.log.ErrorContext(ctx, "read follow-up tasks", "err", err)
		return gridTaskBox{}
	}
	box := gridTaskBox{Show: true, Tasks: tasks, Today: s.now().In(s.loc).Format(time.DateOnly)}
	if v.User.Role.CanWrite() {
		if box.Workers, err = s.phone.GridWorkers(ctx, code); err != nil {
			s.log.ErrorContext(ctx, "read grid workers", "err", err)
		}
	}
	return box
}

// gridTaskAction assigns a case's 回访 to a 网格员 of its village (the case page's small form).
var gridTaskAction = caseAction{path: "gridtask", flash: "回访任务已派给网格员。",
	do: func(s *Server, r *http.Request, v visit, code string) (string, error) {
		workers, err := s.phone.GridWorkers(r.Context(), code)
		if err != nil {
			return "", err
		}
		name, due := r.PostFormValue("worker"), r.PostFormValue("due_on")
		if !slices.ContainsFunc(workers, func(u User) bool { return u.Name == name }) {
			return "", app.Errorf(app.EINVALID, "请选择本村的网格员。")
		}
		if _, err := time.Parse(time.DateOnly, due); due != "" && err != nil {
			return "", app.Errorf(app.EINVALID, "回访日期有误。")
		}
		_, err = s.phone.AssignFollowUp(r.Context(), code, name, v.User.Name, due, s.now())
		return "case.gridtask", err
	}}

func (s *Server) assignGridTask(w http.ResponseWriter, r *http.Request, v visit) {
	s.caseAction(gridTaskAction)(w, r, v)
}

// revokePhone revokes a user's phone sessions: on its next contact the phone wipes its outbox.
func (s *Server) revokePhone(w http.ResponseWriter, r *http.Request, v visit) {
	name := r.PathValue("name")
	_, err := s.phone.RevokePhoneSessions(r.Context(), name, s.now())
	s.adminDone(w, r, v, "users", err, "user.phone-revoke", AuditEntry{Target: name}, "")
}
