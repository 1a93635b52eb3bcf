#!/usr/bin/env python3
"""hello-ring-buffer-config for BCC (chapter 4 of "Learning eBPF"):
hello-buffer-config with a ring buffer instead of a perf event array.
Ends by itself (-n events, -t seconds, -m MESSAGE); see hello_config_bcc.py.

    bpftrace-syscalls python3 examples/bcc/hello-ring-buffer-config.py
"""

import sys

import hello_config_bcc

OUTPUT = "BPF_RINGBUF_OUTPUT(output, 1);"
SUBMIT = "output.ringbuf_output(&data, sizeof(data), 0);"


def open_output(b, on_event):
    b["output"].open_ring_buffer(lambda ctx, data, size: on_event(b["output"].event(data)))


def poll(b):
    b.ring_buffer_poll(timeout=100)


if __name__ == "__main__":
    sys.exit(hello_config_bcc.main("hello-ring-buffer-config.py", OUTPUT, SUBMIT, open_output, poll))
