# The two set-up commands of the README. Both install libclang 19 when it is missing
# (Debian bookworm; run as root or with sudo available).

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MMLINT := target/release/mmlint

.PHONY: deps demo test

deps:
	@if ! dpkg -s libclang-19-dev >/dev/null 2>&1; then \
		echo "installing libclang-19-dev (apt-get)"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q libclang-19-dev clang-19; \
	fi

# Exit status 1 means "findings": expected for the demo.
demo: deps
	cargo build --release -q
	$(MMLINT) check testdata/demo/demo.c -- -nostdinc -I testdata/include; \
		s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ]

test: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -q -- -D warnings
	cargo test --workspace -q
