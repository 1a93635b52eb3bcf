#!/usr/bin/env bash
# Lab (seed "BPF Program and Map References"): `bpftool prog load OBJ PATH`
# loads every program of the object and pins the first one. When bpftool
# exits, its fds go: the pinned program stays (the pin holds it, and it holds
# its maps), the other one is freed. Removing the pin frees the rest.
source "$(dirname "$0")/lab.sh"

object=$examples/hello_buffer_config.bpf.o
pin=/sys/fs/bpf/bpfsc-lab-hello-$$
lab_pins+=("$pin")

traced prog-load "$bpftool" prog load "$object" "$pin"
traced prog-show "$bpftool" prog show pinned "$pin"

id=$("$bpftool" prog show pinned "$pin" | sed -n 's/^\([0-9][0-9]*\): .*/\1/p')
step "rm $pin: nothing holds program $id any more"
rm "$pin"
for ((i = 0; i < 50; i++)); do
  "$bpftool" prog show id "$id" >/dev/null 2>&1 || break
  sleep 0.1
done
if "$bpftool" prog show id "$id" >/dev/null 2>&1; then
  echo "lab: program $id still exists after its pin was removed" >&2
  exit 1
fi
echo "program $id is gone"
