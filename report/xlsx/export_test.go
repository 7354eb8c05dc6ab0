package xlsx

// SetMaxSheetRows lowers the row limit of an exported sheet for a test
// and returns a function that restores it.
func SetMaxSheetRows(n int) func() {
	old := maxSheetRows
	maxSheetRows = n
	return func() { maxSheetRows = old }
}
