package envs

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Config is the environment read once, at start-up, into a typed struct.
// Code below main takes a Config and never calls os.Getenv itself, so it can
// be tested in parallel with any values (the ParallelSetenv scenario).
type Config struct {
	Name        string // GREET_NAME
	Listen      string // LISTEN_ADDR
	DatabaseURL Secret // DATABASE_URL
}

// LoadConfig reads the environment once.
func LoadConfig() Config {
	return Config{
		Name:        os.Getenv("GREET_NAME"),
		Listen:      os.Getenv("LISTEN_ADDR"),
		DatabaseURL: Secret(os.Getenv("DATABASE_URL")),
	}
}

// Greeting is the code under test of the ParallelSetenv scenario.
func (c Config) Greeting() string { return "hello, " + c.Name }

// Secret is a string that does not print. fmt calls Format for every verb
// (%v %+v %#v %s %q %x ...), and String and GoString for callers that ask
// for them directly; encoding/json calls MarshalJSON. Reveal is the one way
// to the value, and it is easy to search for.
//
// fmt can call these methods only where it can reach the value as an
// interface: a Secret in an unexported struct field is printed raw
// ($GOROOT/src/fmt/print.go, printValue: "if depth > 0 && value.IsValid()
// && value.CanInterface()"). Keep secrets in exported fields.
type Secret string

const redacted = "<redacted>"

func (Secret) String() string   { return redacted }
func (Secret) GoString() string { return `envs.Secret("` + redacted + `")` }
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, redacted)
}
func (Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }
func (s Secret) Reveal() string             { return string(s) }

// secretKeys are the environment variables that hold credentials. A
// denylist misses the next secret someone adds; where the child is known,
// an allowlist of the variables it needs is stronger still.
var secretKeys = []string{"DATABASE_URL", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN"}

// withoutSecrets returns env less the variables that hold secrets.
func withoutSecrets(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		key, _, _ := strings.Cut(kv, "=")
		return slices.Contains(secretKeys, key)
	})
}
