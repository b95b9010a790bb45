package store

// SplitWrites makes every File write its records in two parts (see
// splitWrites), for the crash tests.
func SplitWrites() { splitWrites = true }
