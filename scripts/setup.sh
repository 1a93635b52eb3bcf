#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a traced example:
# installs every package the project needs (apt-get), mounts bpffs and
# tracefs where missing, configures and builds with Meson, then (unless
# --no-demo) traces an example with the freshly built tracer.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  meson ninja-build pkg-config g++          # the build
  libbpf-dev libelf-dev libseccomp-dev      # BPF objects, ELF, seccomp filters
  libfmt-dev catch2                         # formatting, unit tests
  bpftool strace                            # examples and the strace cross-check
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

if [ ! -f build/build.ninja ]; then
  meson setup build
fi
ninja -C build

if [ "${1:-}" != "--no-demo" ] && [ -x build/tracer/bpftrace-syscalls ]; then
  echo "setup: tracing 'bpftool map list' with build/tracer/bpftrace-syscalls"
  build/tracer/bpftrace-syscalls bpftool map list
fi
