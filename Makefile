# Top-level wrapper around CMake: `make` builds into build/ (the tool is
# build/fslaw), `make demo` runs the demo, `make check` runs every test in a
# normal build and in an AddressSanitizer + UBSan + libFuzzer build.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local

.PHONY: all setup demo check check-release check-sanitize install clean

all: setup
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

setup:
	@scripts/setup.sh build

demo: all
	scripts/demo.sh build/fslaw

# In CI, headless Chromium for the report test is installed up front (one
# apt run, not one per parallel test); elsewhere the test says it skipped.
check:
	@scripts/setup.sh check
	@if [ "$${CI:-}" = true ]; then scripts/setup-chromium.sh || echo "setup: no chromium; report page checks will be skipped"; fi
	$(MAKE) check-release check-sanitize

check-release:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)
	cd build && ctest --output-on-failure --no-tests=error -j $(JOBS)

# A failing sanitizer test runs once more: LeakSanitizer's exit-time tracer
# sometimes dies on a loaded machine ("LeakSanitizer has encountered a fatal
# error ... does not work under ptrace", google/sanitizers#1353) with no leak
# at all; a real failure fails twice.
check-sanitize:
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFSLAW_SANITIZE=ON -DFSLAW_FUZZ=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure --no-tests=error -j $(JOBS) --repeat until-pass:2

install: all
	cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan
