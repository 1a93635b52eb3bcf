#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a traced example:
# installs every package the project needs (apt-get), mounts bpffs and
# tracefs where missing, links Debian's kernel headers for BCC where the
# running kernel has none, configures and builds with Meson, then (unless
# --no-demo) traces the example hello-buffer-config with the fresh tracer.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  meson ninja-build pkg-config g++          # the build
  libbpf-dev libelf-dev libseccomp-dev      # BPF objects, ELF, seccomp filters
  libfmt-dev catch2                         # formatting, unit tests
  bpftool strace                            # examples and the strace cross-check
  clang llvm                                # examples/: BPF programs (clang -target bpf)
  libclang-rt-14-dev                        # scripts/test.sh: ASan, UBSan and libFuzzer for clang
  python3 python3-bpfcc                     # examples/bcc/: the BCC versions of the examples
  "linux-headers-$(dpkg --print-architecture)"  # kernel headers BCC compiles against (see below)
  iproute2 util-linux                       # examples/: maps-ctl's lab (ip, unshare)
  python3-jsonschema                        # test/json/: every JSON line of the tests checked against docs/trace.schema.json
  bpftrace                                  # test/integration: bpftrace's feature probes recognised
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# bpffs for pins, tracefs for tracepoints: mounted only where missing.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || echo "setup: could not mount bpffs on /sys/fs/bpf" >&2
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
  echo "setup: could not mount tracefs on /sys/kernel/tracing" >&2

# BCC compiles its programs against the running kernel's headers, found at
# /lib/modules/$(uname -r)/build (and /source). A kernel that ships none (as
# this machine's 6.18) gets Debian's: the architecture's headers as build,
# the common ones as source. Enough for the examples' BCC programs, which use
# no kernel struct whose layout changed since; nothing is linked where
# headers exist.
kdir=/lib/modules/$(uname -r)
if [ ! -e "$kdir/build" ]; then
  arch_headers=$(ls -d /usr/src/linux-headers-*-"$(dpkg --print-architecture)" 2>/dev/null | sort -V | tail -n 1)
  common_headers=${arch_headers%-*}-common
  if [ -n "$arch_headers" ] && [ -d "$common_headers" ]; then
    mkdir -p "$kdir"
    ln -sfn "$arch_headers" "$kdir/build"
    [ -e "$kdir/source" ] || ln -sfn "$common_headers" "$kdir/source"
    echo "setup: kernel $(uname -r) has no headers: linked $arch_headers as $kdir/build and $common_headers as $kdir/source (for BCC)"
  else
    echo "setup: kernel $(uname -r) has no headers and no Debian headers were found: the BCC examples cannot compile" >&2
  fi
fi

if [ ! -f build/build.ninja ]; then
  meson setup build
fi
ninja -C build

# The demo: the book's chapter-4 example, traced end to end.
if [ "${1:-}" != "--no-demo" ]; then
  if [ -x build/examples/hello-buffer-config ]; then
    echo "setup: tracing the example hello-buffer-config (3 execve events) with build/tracer/bpftrace-syscalls"
    build/tracer/bpftrace-syscalls build/examples/hello-buffer-config -n 3
  else
    echo "setup: build/examples/hello-buffer-config was not built (see 'examples/ not built' in meson's output)" >&2
    exit 1
  fi
fi
