package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{EINVALID, http.StatusBadRequest},
		{EUNAUTHORIZED, http.StatusUnauthorized},
		{EFORBIDDEN, http.StatusForbidden},
		{ESESSION, http.StatusForbidden},
		{ENOTFOUND, http.StatusNotFound},
		{ENOTOWNER, http.StatusConflict}, // once 403 at the hub and 409 at the centre
		{ETRANSITION, http.StatusConflict},
		{EEPOCHBEHIND, http.StatusConflict},
		{ETOOLARGE, http.StatusRequestEntityTooLarge},
		{EIDEMPOTENCY, http.StatusUnprocessableEntity},
		{EUNAVAILABLE, http.StatusServiceUnavailable},
		{EINTERNAL, http.StatusInternalServerError},
		{"no_such_code", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := HTTPStatus(tt.code); got != tt.want {
			t.Errorf("HTTPStatus(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

// Every error code declared in this package has its row in the table (ENONE excepted: it is
// answered 204), so a new code cannot fall through to 500 unnoticed.
func TestHTTPStatusCoversEveryCode(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !isCodeName(vs.Names[0].Name) {
				return true
			}
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				codes[vs.Names[0].Name], _ = strconv.Unquote(lit.Value)
			}
			return true
		})
	}
	if len(codes) < 15 {
		t.Fatalf("found only %d error codes: %v", len(codes), codes)
	}
	for name, code := range codes {
		if _, ok := httpStatus[code]; !ok && name != "ENONE" {
			t.Errorf("%s (%q) has no HTTP status", name, code)
		}
	}
}

// isCodeName reports whether name is an error code's: E and capitals, like ENOTOWNER.
func isCodeName(name string) bool {
	return len(name) > 2 && name[0] == 'E' && strings.ToUpper(name) == name
}
