package center

import (
	"slices"

	"fengqiao/app"
)

// SourceWalkInParam stands for the walk-in source (app.SourceWalkIn, the empty string) in a URL.
const SourceWalkInParam = "walkin"

// SourceParam is how a source is written in a URL's ?source=.
func SourceParam(src app.CaseSource) string {
	if src == app.SourceWalkIn {
		return SourceWalkInParam
	}
	return string(src)
}

// ParseSource reads a URL's ?source=: "" for every source (nil), else one source.
func ParseSource(param string) ([]app.CaseSource, error) {
	if param == "" {
		return nil, nil
	}
	for _, src := range app.Sources {
		if SourceParam(src) == param {
			return []app.CaseSource{src}, nil
		}
	}
	return nil, app.Errorf(app.EINVALID, "unknown source %q", param)
}

// FilterSources returns the rows of the sources (every row when sources is empty).
func FilterSources(rows []LedgerRow, sources []app.CaseSource) []LedgerRow {
	if len(sources) == 0 {
		return rows
	}
	return slices.DeleteFunc(slices.Clone(rows), func(r LedgerRow) bool { return !slices.Contains(sources, r.Source) })
}

// SourceOption is a choice of the ledger's source filter.
type SourceOption struct {
	Param, Label string
	On           bool
}

// SourceOptions lists the sources for a filter, the chosen one on.
func SourceOptions(chosen []app.CaseSource) []SourceOption {
	out := make([]SourceOption, 0, len(app.Sources))
	for _, src := range app.Sources {
		out = append(out, SourceOption{Param: SourceParam(src), Label: src.Label(), On: len(chosen) == 1 && chosen[0] == src})
	}
	return out
}

// sourceTitle names the chosen sources for a heading: "" for every source.
func sourceTitle(sources []app.CaseSource) string {
	if len(sources) != 1 {
		return ""
	}
	return "来源：" + sources[0].Label()
}
