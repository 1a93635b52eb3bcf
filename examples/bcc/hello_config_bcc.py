"""What the BCC versions of hello-buffer-config and hello-ring-buffer-config
share: the BPF program's text (all but how events leave it), the choice of
hook (a kprobe on execve where the kernel has kprobes, else the tracepoint
syscalls/sys_enter_execve), the config entries, the execs that give it
something to report, the options and when to stop (after -n events,
-t seconds or an event with -m MESSAGE: every run ends by itself)."""

import argparse
import ctypes as ct
import os
import signal
import subprocess
import sys
import threading
import time

try:
    from bcc import BPF
except ImportError:
    # Debian's python3-bpfcc installs for Debian's python3; a python3 found
    # first on PATH (pyenv, a venv) does not look there by itself.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from bcc import BPF
    except ImportError:
        sys.exit("BCC's Python module is not installed (apt-get install python3-bpfcc)")

MESSAGE_LEN = 13  # "Hi user 501!" and its NUL, as in the lab documents
CONFIG = {0: b"Hey root!", 501: b"Hi user 501!"}

# {output} declares the map events leave through, {submit} sends `data`.
PROGRAM = r"""
struct user_msg_t {
    char message[13];
};

struct data_t {
    u32 pid;
    u32 uid;
    char command[16];
    char message[13];
};

BPF_HASH(config, u32, struct user_msg_t);
{output}

static __always_inline int send_event(void *ctx)
{
    struct data_t data = {};
    char fallback[13] = "Hello World";
    struct user_msg_t *configured;

    data.pid = bpf_get_current_pid_tgid() >> 32;
    data.uid = bpf_get_current_uid_gid() & 0xFFFFFFFF;
    bpf_get_current_comm(&data.command, sizeof(data.command));
    configured = config.lookup(&data.uid);
    if (configured)
        bpf_probe_read_kernel(&data.message, sizeof(data.message), configured->message);
    else
        bpf_probe_read_kernel(&data.message, sizeof(data.message), fallback);
    {submit}
    return 0;
}
"""

KPROBE_ENTRY = "int hello(void *ctx) { return send_event(ctx); }\n"
TRACEPOINT_ENTRY = "TRACEPOINT_PROBE(syscalls, sys_enter_execve) { return send_event(args); }\n"


def kprobes_available():
    """The kprobe PMU, or tracefs's kprobe_events (BCC's way to add one)."""
    return (os.path.exists("/sys/bus/event_source/devices/kprobe/type")
            or any(os.access(f"{d}/kprobe_events", os.W_OK)
                   for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")))


def program_text(output, submit, entry):
    # str.format would trip over the C braces: replace the two slots only.
    return PROGRAM.replace("{output}", output).replace("{submit}", submit) + entry


def load(name, output, submit):
    """Compiles, loads and attaches: the kprobe where possible, else the
    tracepoint. Returns the BPF object and a description of the hook."""
    if kprobes_available():
        b = BPF(text=program_text(output, submit, KPROBE_ENTRY))
        try:
            b.attach_kprobe(event=b.get_syscall_fnname("execve"), fn_name="hello")
            return b, "a kprobe on " + b.get_syscall_fnname("execve").decode()
        except Exception as e:  # BCC raises a bare Exception when attaching fails
            print(f"{name}: the kprobe on execve failed ({e}); trying the tracepoint", file=sys.stderr)
            b.cleanup()
        why = "the kprobe could not be attached"
    else:
        why = "this kernel has no kprobes"
    # TRACEPOINT_PROBE attaches itself when the program is loaded.
    b = BPF(text=program_text(output, submit, TRACEPOINT_ENTRY))
    return b, f"the tracepoint syscalls/sys_enter_execve ({why})"


def write_config(b):
    config = b["config"]
    for uid, message in CONFIG.items():
        leaf = config.Leaf()
        leaf.message = message
        config[ct.c_uint(uid)] = leaf


class Run:
    """Options, counting, and the execs that keep events coming."""

    def __init__(self, name):
        p = argparse.ArgumentParser(prog=name, description=(
            'Reports every execve with the message configured for the caller\'s uid in the map "config", '
            "running /bin/true itself every 200 ms so that there is something to report."))
        p.add_argument("-n", type=int, default=5, metavar="EVENTS", help="stop after EVENTS events (0: no limit)")
        p.add_argument("-t", type=int, default=10, metavar="SECONDS", help="stop after SECONDS seconds")
        p.add_argument("-m", metavar="MESSAGE", help="stop after an event carrying MESSAGE")
        args = p.parse_args()
        if args.n < 0 or args.t <= 0 or (args.m and len(args.m.encode()) > MESSAGE_LEN):
            p.error("EVENTS >= 0, SECONDS > 0, MESSAGE at most 13 bytes")
        self.name, self.max_events, self.seconds, self.until = name, args.n, args.t, args.m
        self.events, self.message_seen, self.signal = 0, False, None
        self.deadline = time.monotonic() + args.t
        self.stop_execs = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.on_signal)

    def on_signal(self, sig, frame):
        self.signal = sig

    def announce(self, hook):
        config = ", ".join(f'{uid} -> "{m.decode()}"' for uid, m in CONFIG.items())
        print(f"{self.name}: attached to execve through {hook}", flush=True)
        print(f"{self.name}: map config: {config}", flush=True)
        if self.until:
            print(f'{self.name}: waiting up to {self.seconds} s for an event with "{self.until}"', flush=True)
        elif self.max_events:
            print(f"{self.name}: waiting up to {self.seconds} s for {self.max_events} events", flush=True)
        else:
            print(f"{self.name}: reporting events for {self.seconds} s", flush=True)

    def event(self, data):
        if self.done():
            return
        message = data.message.decode(errors="replace")
        print(f"{data.pid} {data.uid} {data.command.decode(errors='replace')} {message}", flush=True)
        self.events += 1
        if self.until and message == self.until:
            self.message_seen = True

    def done(self):
        if self.signal or time.monotonic() >= self.deadline:
            return True
        if self.until:
            return self.message_seen
        return bool(self.max_events) and self.events >= self.max_events

    def start_execs(self):
        def loop():
            while not self.stop_execs.wait(0.2):
                subprocess.run(["/bin/true"])
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread

    def finish(self, thread):
        """The exit status: 0 when the run got what it waited for."""
        self.stop_execs.set()
        thread.join()
        if self.signal:
            print(f"{self.name}: stopped by {signal.Signals(self.signal).name} after {self.events} events")
            return 0
        if self.until and not self.message_seen:
            print(f'{self.name}: no event with "{self.until}" within {self.seconds} s', file=sys.stderr)
            return 1
        if not self.until and self.max_events and self.events < self.max_events:
            print(f"{self.name}: only {self.events} of {self.max_events} events within {self.seconds} s",
                  file=sys.stderr)
            return 1
        print(f"{self.name}: {self.events} events, done")
        return 0


def main(name, output, submit, open_output, poll):
    """Runs one example: open_output(b, callback) starts reading events,
    poll(b) waits up to 100 ms for them."""
    run = Run(name)
    b, hook = load(name, output, submit)
    write_config(b)
    open_output(b, lambda data: run.event(data))
    run.announce(hook)
    execs = run.start_execs()
    while not run.done():
        poll(b)
    return run.finish(execs)
