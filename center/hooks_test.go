package center

// RegisterForTest registers a route with a rule on a new server, for the test that a route
// without a rule cannot be registered.
func RegisterForTest(st WebStore, pattern string, r Rule) {
	NewServer(st, nil).route(pattern, r, nil)
}
