# The two set-up commands of the README. Both install libclang 19 when it is missing
# (Debian bookworm; run as root or with sudo available).

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# cargo builds into $CARGO_TARGET_DIR when it is set.
MMLINT := $(or $(CARGO_TARGET_DIR),target)/release/mmlint

.PHONY: deps demo test sarif-tools nvim

deps:
	@if ! dpkg -s libclang-19-dev >/dev/null 2>&1; then \
		echo "installing libclang-19-dev (apt-get)"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q libclang-19-dev clang-19; \
	fi
	@# patch(1): the mmlint fix tests apply the patches they print.
	@if ! command -v patch >/dev/null 2>&1; then \
		echo "installing patch (apt-get)"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q patch; \
	fi

# Exit status 1 means "findings": expected for the demo.
demo: deps
	cargo build --release -q
	$(MMLINT) check testdata/demo/demo.c -- -nostdinc -I testdata/include; \
		s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ]

# Microsoft's SARIF validator (the SARIF SDK's multitool, a self-contained .NET build shipped
# in the npm package) for the SARIF output test; npm and node are on the machines.
SARIF_TOOLS := target/sarif-tools
SARIF_MULTITOOL_VERSION := 5.7.0

sarif-tools:
	@if ! [ -x $(SARIF_TOOLS)/node_modules/.bin/sarif-multitool ] || \
	    ! grep -qs '"version": "$(SARIF_MULTITOOL_VERSION)"' \
	      $(SARIF_TOOLS)/node_modules/@microsoft/sarif-multitool/package.json; then \
		echo "installing @microsoft/sarif-multitool@$(SARIF_MULTITOOL_VERSION) (npm) into $(SARIF_TOOLS)"; \
		mkdir -p $(SARIF_TOOLS) && \
		npm install --prefix $(SARIF_TOOLS) --no-audit --no-fund --loglevel=error \
			@microsoft/sarif-multitool@$(SARIF_MULTITOOL_VERSION) && \
		chmod u+x $(SARIF_TOOLS)/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool; \
	fi

# Neovim for the editor end-to-end test (crates/mmlint-cli/tests/neovim.rs).
nvim:
	@if ! command -v nvim >/dev/null 2>&1; then \
		echo "installing neovim (apt-get)"; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends neovim; \
	fi

test: deps sarif-tools nvim
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -q -- -D warnings
	cargo test --workspace -q
