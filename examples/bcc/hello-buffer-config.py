#!/usr/bin/env python3
"""hello-buffer-config for BCC (chapter 4 of "Learning eBPF"): on every
execve, the caller's pid, uid, command and the message configured for its
uid in the map "config" go to user space through a perf event array.
Ends by itself (-n events, -t seconds, -m MESSAGE); see hello_config_bcc.py.

    bpftrace-syscalls python3 examples/bcc/hello-buffer-config.py
"""

import sys

import hello_config_bcc

OUTPUT = "BPF_PERF_OUTPUT(output);"
SUBMIT = "output.perf_submit(ctx, &data, sizeof(data));"


def open_output(b, on_event):
    b["output"].open_perf_buffer(lambda cpu, data, size: on_event(b["output"].event(data)))


def poll(b):
    b.perf_buffer_poll(timeout=100)


if __name__ == "__main__":
    sys.exit(hello_config_bcc.main("hello-buffer-config.py", OUTPUT, SUBMIT, open_output, poll))
