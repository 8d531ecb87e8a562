package app

import "slices"

// Service is one kind of matter the hall handles (信访接待, 法律咨询 …), with its own ticket prefix
// and queue.
type Service struct {
	Code       string   `json:"code"`       // stable identifier used in the API, e.g. "petition"
	Name       string   `json:"name"`       // display name, e.g. 信访接待
	Prefix     string   `json:"prefix"`     // ticket prefix, e.g. "A"
	Categories []string `json:"categories"` // matter categories offered when a visitor checks in
	// AcceptDays and HandleDays are the case deadlines in days: to decide on acceptance, and to
	// close an accepted case. Zero means no deadline.
	AcceptDays int `json:"accept_days,omitempty"`
	HandleDays int `json:"handle_days,omitempty"`
	// Dispute marks the whole service as 矛盾纠纷: the centre's dispute ledger counts its cases.
	// DisputeCategories marks only those categories of the service. See docs/centre.md.
	Dispute           bool     `json:"dispute,omitempty"`
	DisputeCategories []string `json:"dispute_categories,omitempty"`
}

// IsDispute reports whether a case of the service in the category is a dispute (矛盾纠纷).
func (s Service) IsDispute(category string) bool {
	return s.Dispute || slices.Contains(s.DisputeCategories, category)
}

// HasCategory reports whether c is one of the service's categories.
func (s Service) HasCategory(c string) bool {
	for _, x := range s.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Window is a service desk in the hall.
type Window struct {
	ID       int      `json:"id"`       // 1-based window number shown to visitors
	Name     string   `json:"name"`     // e.g. 1号窗口
	Services []string `json:"services"` // codes of the services this window calls
}

// Serves reports whether the window calls tickets of the given service.
func (w Window) Serves(service string) bool {
	for _, s := range w.Services {
		if s == service {
			return true
		}
	}
	return false
}

// DefaultServices is the catalogue of a hall with no configuration.
func DefaultServices() []Service {
	return []Service{
		{Code: "petition", Name: "信访接待", Prefix: "A", AcceptDays: 15, HandleDays: 60,
			Categories: []string{"土地征收", "村务管理", "社会保障", "环境污染", "涉法涉诉", "其他"}},
		{Code: "legal", Name: "法律咨询", Prefix: "B", HandleDays: 7,
			Categories: []string{"婚姻家庭", "劳动争议", "借贷纠纷", "继承赡养", "交通事故", "其他"}},
		{Code: "hotline", Name: "12345热线", Prefix: "C", AcceptDays: 1, HandleDays: 15,
			Categories: []string{"市政设施", "生活服务", "投诉举报", "政策咨询", "其他"}},
		{Code: "mediation", Name: "矛盾纠纷调解", Prefix: "D", AcceptDays: 3, HandleDays: 30, Dispute: true,
			Categories: []string{"邻里纠纷", "婚姻家庭", "土地山林", "劳动争议", "物业服务", "其他"}},
	}
}
