# procbugs: Go process-lifecycle bugs, each proven in real child processes.
# `make demo` shows the catalog live; `make test` runs the whole suite.

GO        ?= go
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The race runtime sleeps a second before every exit unless told otherwise.
export GORACE ?= atexit_sleep_ms=0

.PHONY: all demo test lint cross bench exercise

all: test

demo:
	$(GO) run ./cmd/procbugs run

test:
	scripts/vet ./...
	$(GO) test -race ./...

# gofmt, go vet and staticcheck. Broken code that a linter flags on purpose
# is excluded line by line: scripts/vet-expected for vet, //lint:ignore in
# the broken file for staticcheck.
lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt: $$unformatted"; exit 1; fi
	scripts/vet ./...
	$(STATICCHECK) ./...

cross:
	GOOS=darwin scripts/vet ./...
	GOOS=windows scripts/vet ./...
	GOOS=freebsd scripts/vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 50x ./...

# A workshop: make exercise T=pipes
exercise:
	$(GO) run ./cmd/procbugs exercise $(T)
