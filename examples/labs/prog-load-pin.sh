#!/usr/bin/env bash
# Lab (seed "BPF Program and Map References"): `bpftool prog load OBJ PATH`
# loads every program of the object and pins the first one. When bpftool
# exits, its fds go: the pinned program stays (the pin holds it, and it holds
# its maps), the other one is freed. `bpftool prog dump xlated` shows the
# pinned program as the kernel runs it; with -v the tracer shows the same
# listing, from the instructions bpftool read. Removing the pin frees the rest.
source "$(dirname "$0")/lab.sh"

object=$examples/hello_buffer_config.bpf.o
pin=/sys/fs/bpf/bpfsc-lab-hello-$$
lab_pins+=("$pin")

traced prog-load "$bpftool" prog load "$object" "$pin"
traced prog-show "$bpftool" prog show pinned "$pin"
traced -v prog-dump "$bpftool" prog dump xlated pinned "$pin"

id=$("$bpftool" prog show pinned "$pin" | sed -n 's/^\([0-9][0-9]*\): .*/\1/p')
step "rm $pin: nothing holds program $id any more"
rm "$pin"
wait_gone prog "$id"
