package center

// PageCSS returns the dashboard's stylesheet, for the external tests' pages.
func PageCSS() string { return string(pageCSS) }
