package server

// RenderSlots is how many renders the server runs at once, for the tests
// of package server_test.
func RenderSlots() int { return renderSlots() }

// CompressAt is compressAt, for the benchmark that chose the levels.
func CompressAt(body []byte, coding string, level int) ([]byte, error) {
	return compressAt(body, coding, level)
}
