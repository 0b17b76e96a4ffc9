package childproc

import (
	"io"
	"os"
	"syscall"
	"time"
)

// DefaultTimeout bounds a child when no Timeout option is given.
const DefaultTimeout = 10 * time.Second

// grace is the time a child gets to print its stacks after SIGQUIT, and the
// margin kept before a test's own deadline.
const grace = time.Second

type config struct {
	args    []string
	env     []string
	timeout time.Duration
	stdin   io.Reader
	extra   []*os.File
	attr    func(*syscall.SysProcAttr)
	dir     string
}

// An Option changes how Start launches a child.
type Option func(*config)

// Args passes arguments to the role.
func Args(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// Env adds KEY=value pairs to the child's otherwise minimal environment.
func Env(kv ...string) Option { return func(c *config) { c.env = append(c.env, kv...) } }

// Timeout bounds the child's life; it is capped by the test's deadline.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Stdin sets the child's standard input (default: /dev/null).
func Stdin(r io.Reader) Option { return func(c *config) { c.stdin = r } }

// ExtraFiles passes files to the child as descriptors 4, 5, ...; descriptor
// 3 is the control pipe.
func ExtraFiles(f ...*os.File) Option { return func(c *config) { c.extra = append(c.extra, f...) } }

// Dir sets the child's working directory.
func Dir(dir string) Option { return func(c *config) { c.dir = dir } }

// Attr lets a test adjust the child's SysProcAttr (credentials, namespaces,
// a session). The harness still makes the child lead its own group, unless
// the test asks for a new session, which is a new group too.
func Attr(f func(*syscall.SysProcAttr)) Option { return func(c *config) { c.attr = f } }
