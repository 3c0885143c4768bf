# Memento — the two commands a newcomer runs: `make run` and `make test`.
# Both install what is missing (Debian packages, the Python test environment), build, and go.

SWIFT      ?= swift
SCRATCH    ?= .build
RELEASE_BIN = $(SCRATCH)/release/memento
RUN_DIR    ?= $(CURDIR)/.build-run
RUN_HOME   ?= $(RUN_DIR)/home
CATALOGUE  ?= $(RUN_DIR)/catalogue
KEYS       ?= $(RUN_DIR)/keys
VENV       ?= $(CURDIR)/.venv-mcp
DEB_PACKAGES = libsqlite3-dev libcurl4-openssl-dev libffi-dev zlib1g-dev bubblewrap nginx python3-venv unzip zip valgrind strace

.PHONY: all deps venv build release plugins run-plugins catalogue run test bench bench-peers clean

all: build

# Installs only what is missing, so a machine that has everything needs no root and no network.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The Python peers of the interop tests (the `mcp` SDK and reference servers), pinned, and the
# same wheels in $(WHEELHOUSE), from which tests build script skills' environments offline.
WHEELHOUSE ?= $(CURDIR)/.wheelhouse
# mcp-fuzzer, for the robustness test of `memento serve`, apart: its pins differ from the SDK's.
FUZZ_VENV  ?= $(CURDIR)/.venv-fuzz
venv: deps
	@req=Tests/MCPTests/Fixtures/requirements.txt; \
	if [ -f $$req ]; then \
	  if [ ! -x $(VENV)/bin/python ] || ! cmp -s $$req $(VENV)/.requirements; then \
	    echo "creating $(VENV) from $$req"; \
	    python3 -m venv $(VENV) && $(VENV)/bin/pip install -q --disable-pip-version-check -r $$req && cp $$req $(VENV)/.requirements; \
	  fi; \
	  if ! cmp -s $$req $(WHEELHOUSE)/.requirements; then \
	    echo "downloading the wheels of $$req into $(WHEELHOUSE)"; \
	    $(VENV)/bin/pip download -q --disable-pip-version-check -r $$req -d $(WHEELHOUSE) && cp $$req $(WHEELHOUSE)/.requirements; \
	  fi; \
	fi
	@req=Tests/MCPTests/Fixtures/fuzz-requirements.txt; \
	if [ ! -x $(FUZZ_VENV)/bin/mcp-fuzzer ] || ! cmp -s $$req $(FUZZ_VENV)/.requirements; then \
	  echo "creating $(FUZZ_VENV) from $$req"; \
	  python3 -m venv $(FUZZ_VENV) && $(FUZZ_VENV)/bin/pip install -q --disable-pip-version-check -r $$req && cp $$req $(FUZZ_VENV)/.requirements; \
	fi

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH)

release: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH)

# The first-party tools (Plugins/), each built into a skill folder of its own under
# $(PLUGINS_OUT): skill.json stamped with this toolchain and the library's sha256, and the library.
# `plugins` uses the debug memento (for the tests), `run-plugins` the release one (for `make run`).
PLUGINS     = fs grep shell http python
PLUGINS_OUT = $(SCRATCH)/first-party-skills
define build-plugins
	@for plugin in $(PLUGINS); do \
	  $(1) skill build Plugins/$$plugin --package Plugins --output $(PLUGINS_OUT)/$$plugin >/dev/null || exit 1; \
	done
endef
plugins: build
	$(call build-plugins,$(SCRATCH)/debug/memento)
run-plugins: release
	$(call build-plugins,$(RELEASE_BIN))

# The built-in catalogue, built and signed from Market/skills and the first-party tools. The keys
# are made on this machine the first time, and the home pins this root key: nothing is fetched
# from anywhere. The catalogue and the home are rebuilt on every run: a rebuilt first-party
# tool is new content under the same version, which a published catalogue rightly refuses.
CATALOGUE_SRC ?= $(RUN_DIR)/catalogue-src
catalogue: release run-plugins
	@rm -rf $(CATALOGUE_SRC) && mkdir -p $(CATALOGUE_SRC) && cp -R Market/skills/. $(PLUGINS_OUT)/. $(CATALOGUE_SRC)/
	@[ ! -d $(RUN_HOME) ] || chmod -R u+w $(RUN_HOME)
	@rm -rf $(CATALOGUE) $(RUN_HOME)
	@[ -f $(KEYS)/root.key ] || $(RELEASE_BIN) market keygen --dir $(KEYS)
	$(RELEASE_BIN) market build $(CATALOGUE_SRC) --catalog $(CATALOGUE) --keys $(KEYS)
	@$(RELEASE_BIN) market add-source builtin $(CATALOGUE) --root-key $(KEYS)/root.pub --home $(RUN_HOME) >/dev/null

# The main job on the built-in catalogue: search it, install every skill from it (each install
# shows its verify verdict; Python script skills get their environment from the local wheelhouse,
# so nothing is fetched), list the result, and call tools of each kind.
run: catalogue venv
	$(RELEASE_BIN) search --refresh --home $(RUN_HOME) checksum
	@for skill in $$(ls $(CATALOGUE_SRC)); do \
	  PIP_NO_INDEX=1 PIP_FIND_LINKS=$(WHEELHOUSE) $(RELEASE_BIN) install --home $(RUN_HOME) "$$skill" || exit 1; \
	done
	$(RELEASE_BIN) list --home $(RUN_HOME)
	$(RELEASE_BIN) tools --home $(RUN_HOME)
	$(RELEASE_BIN) call --home $(RUN_HOME) checksum-tools.crc32 --args '{"seed": 0, "data": "aGVsbG8="}'
	$(RELEASE_BIN) call --home $(RUN_HOME) csv-stats.summarize --args '{"csv_text": "city,temp\nOslo,4\nRome,18\nLima,19\n"}'
	$(RELEASE_BIN) call --home $(RUN_HOME) grep.search --args '{"pattern": "verify", "path": "README.md", "max_matches": 3}'
	$(RELEASE_BIN) doctor --home $(RUN_HOME)

test: deps venv plugins
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH)
	# One test at a time: several suites measure deadlines, and two cores shared by parallel
	# suites that spawn servers made them flaky; serial runs take under three minutes.
	$(SWIFT) test --skip-build --no-parallel --scratch-path $(SCRATCH)

# The peer for verify's figure: Cisco's offline skill scanner, in its own environment (~700 MB).
BENCH_VENV ?= $(CURDIR)/.venv-bench
bench-peers:
	@[ -x $(BENCH_VENV)/bin/skill-scanner ] || { python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install -q --disable-pip-version-check cisco-ai-skill-scanner==2.3.2; }

bench: release venv bench-peers
	Benchmarks/run.sh $(RELEASE_BIN)

clean:
	rm -rf $(SCRATCH) .build-run
