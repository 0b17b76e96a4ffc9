//go:build !linux

package catalog

import "runtime"

func osName() string { return runtime.GOOS }

func kernel() string { return "" }
