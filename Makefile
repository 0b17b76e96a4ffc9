# procbugs: Go process-lifecycle bugs, each proven in real child processes.
# `make demo` shows the catalog live; `make test` runs the whole suite.

GO        ?= go
# The next Go release the catalog is verified on; the go command fetches it
# through the module proxy the first time (GOTOOLCHAIN).
NEXT_GO   := go1.27.3
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The race runtime sleeps a second before every exit unless told otherwise.
export GORACE ?= atexit_sleep_ms=0

.PHONY: all demo test test-next controls diagrams lint cross bench exercise

all: test

demo:
	$(GO) run ./cmd/procbugs run

# The parent side runs under the race detector; the children never do.
test:
	scripts/vet ./...
	$(GO) test -race ./...

# The same suite on the next Go release.
test-next:
	GOTOOLCHAIN=$(NEXT_GO) $(MAKE) test

# Every proof run against the other half's code, where it must fail. A
# proof held to a half that will not end as it expects stops it on the
# state it sees (childproc.StuckWhen, EndsOtherwiseWhen): no control waits
# out a bound. Many tests at a time, as their proofs mostly wait for
# children: a little faster than go test's default on two cores.
controls:
	PROCBUGS_CONTROLS=1 $(GO) test -count=1 -parallel 32 ./...

# Every mermaid diagram of the Markdown, rendered in headless Chromium.
# Needs chromium, fonts-liberation and node's npm.
diagrams:
	npm ci --prefix docs/diagrams --no-audit --no-fund --loglevel=error
	PROCBUGS_DIAGRAMS=1 $(GO) test -count=1 ./docs/diagrams

# gofmt, go vet and staticcheck. Broken code that a linter flags on purpose
# is the lesson: scripts/vet turns that one analyzer off for its package,
# //lint:ignore silences staticcheck on the line, and a test of the topic
# proves the linter flags broken.go and not fixed.go. The cgochild tag takes
# in the lessons' C code, which the test binaries leave out (see
# childproc.CgoChildTag).
lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt: $$unformatted"; exit 1; fi
	scripts/vet ./...
	$(STATICCHECK) -tags cgochild ./...

cross:
	GOOS=darwin scripts/vet ./...
	GOOS=windows scripts/vet ./...
	GOOS=freebsd scripts/vet ./...

# The four speed figures, each beside floors timed in the same run.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 50x ./helpers/childproc ./pipes
	$(GO) test -run '^$$' -bench RunAll -benchtime 5x ./cmd/procbugs
	$(GO) test ./... >/dev/null
	$(GO) run ./helpers/internal/suitetime

# A workshop: make exercise T=pipes
exercise:
	$(GO) run ./cmd/procbugs exercise $(T)
