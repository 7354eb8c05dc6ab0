//go:build !unix

package exchange

func isQuota(error) bool { return false }
