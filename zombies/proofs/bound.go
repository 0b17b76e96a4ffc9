//go:build linux

package proofs

import "procbugs/helpers/childproc"

// ChainBound bounds a child that should finish by itself but starts
// several programs one after another (an init's tree, a supervisor's
// restarts, the WaitDelay cases in turn): twice a single child's bound,
// so that a loaded machine's slow starts add up to no timeout. Like
// FinishBound it is only a safety net; a child that reaches it fails.
const ChainBound = 2 * childproc.FinishBound
