package server

// RenderSlots is how many renders the server runs at once, for the tests
// of package server_test.
func RenderSlots() int { return renderSlots() }
