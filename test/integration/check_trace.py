#!/usr/bin/env python3
"""Integration tests of bpftrace-syscalls (standard library only).

Modes (each one Meson test):
  check_trace.py --tracer T trace PROGRAM    trace PROGRAM (text, then JSON) and
                                             check every thread's calls against
                                             the program's own log
  check_trace.py --tracer T strace PROGRAM   cross-check the tracer with strace
  check_trace.py --tracer T --cli CASE       command-line behaviours

PROGRAM is one of the C programs next to this file; it is run as
`PROGRAM LOG` and logs every bpf() call it makes as "TID COMMAND RESULT".
Exit status: 0 passed, 1 failed, 77 skipped (not root, no usable bpf(),
no strace...), except with CI=true, where a skip is a failure.
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
RUN_TIMEOUT = 60  # seconds for one traced run; a hang fails, it never blocks

BPF_CMDS = [
    "BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM",
    "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH",
    "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
    "BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
    "BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID", "BPF_TASK_FD_QUERY",
    "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE", "BPF_BTF_GET_NEXT_ID",
    "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH",
    "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID",
    "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS", "BPF_ITER_CREATE", "BPF_LINK_DETACH",
    "BPF_PROG_BIND_MAP", "BPF_TOKEN_CREATE", "BPF_PROG_STREAM_READ_BY_FD",
]
assert len(BPF_CMDS) == 38

SYS_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "loongarch64": 280,
           "ppc64le": 361, "ppc64": 361, "s390x": 351, "i686": 357, "armv7l": 386}


class Failure(Exception):
    pass


def skip(reason):
    """Skips (77), or fails under CI=true, where nothing may be skipped."""
    if os.environ.get("CI") == "true":
        print(f"FAIL: CI=true and this test cannot run: {reason}")
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


# --- the environment ---------------------------------------------------------

def mounts():
    with open("/proc/self/mounts") as f:
        return [line.split() for line in f]


def bpf_unusable():
    """None if bpf(BPF_MAP_CREATE) of a tiny array works, else why not."""
    nr = SYS_BPF.get(platform.machine())
    if nr is None:
        return f"no bpf() syscall number known for {platform.machine()}"
    libc = ctypes.CDLL(None, use_errno=True)
    attr = (ctypes.c_uint32 * 36)()  # 144 bytes, zero
    attr[0], attr[1], attr[2], attr[3] = 2, 4, 4, 1  # BPF_MAP_TYPE_ARRAY, key 4, value 4, 1 entry
    fd = libc.syscall(ctypes.c_long(nr), ctypes.c_long(0), ctypes.byref(attr), ctypes.c_long(144))
    if fd < 0:
        err = ctypes.get_errno()
        return f"bpf(BPF_MAP_CREATE) fails: {os.strerror(err)}"
    os.close(fd)
    return None


def require_bpf(strace=False):
    if os.geteuid() != 0:
        skip("not root: the programs make privileged bpf() calls")
    why = bpf_unusable()
    if why:
        skip(why)
    if not any(m[1] == "/sys/fs/bpf" and m[2] == "bpf" for m in mounts()):
        r = subprocess.run(["mount", "-t", "bpf", "bpf", "/sys/fs/bpf"], capture_output=True, text=True)
        if r.returncode != 0:
            skip(f"no bpffs on /sys/fs/bpf and mounting one failed: {r.stderr.strip()}")
    if not any(m[2] == "cgroup2" for m in mounts()):
        skip("no cgroup2 mount")
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("no /sys/kernel/btf/vmlinux")
    if strace and shutil.which("strace") is None:
        skip("strace is not installed")


# --- running things ----------------------------------------------------------

def tracer_cmd(args):
    """The tracer's argv start: the binary, and --backend=B when one is given."""
    return [args.tracer] + ([f"--backend={args.backend}"] if args.backend else [])


def describe_group(pgid):
    """The state of every thread of a process group (for a hang report)."""
    lines = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            if int(stat[stat.rindex(")") + 2:].split()[2]) != pgid:
                continue
            for tid in sorted(os.listdir(f"/proc/{entry}/task"), key=int):
                status = proc_status(entry, tid) or {}
                with open(f"/proc/{entry}/task/{tid}/wchan") as f:
                    wchan = f.read()
                lines.append(f"  pid {entry} tid {tid} {status.get('Name', '?')}: state {status.get('State', '?')}, "
                             f"TracerPid {status.get('TracerPid', '?')}, waiting in {wchan or '-'}")
        except (OSError, ValueError):
            continue
    return "\n".join(lines) or "  (no process left)"


def run(argv, timeout=RUN_TIMEOUT, what=None, cwd=None):
    """Runs argv in its own process group; a hang kills the group and fails."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True, close_fds=True, text=True, errors="replace", cwd=cwd)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        state = describe_group(p.pid)
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise Failure(f"{what or argv[0]} did not end within {timeout} s (hung); its processes:\n{state}")
    return p.returncode, out, err


def exit_status(rc):
    """A subprocess return code as a shell shows it (128+N for a signal)."""
    return 128 - rc if rc < 0 else rc


# --- parsing -----------------------------------------------------------------

def result_of(value, errname=None):
    """A result as the logs write it: "3", "0" or "-ENOENT"."""
    if value == "?":
        return "?"
    if int(value) < 0:
        return "-" + (errname or "E???")
    return str(int(value))


def parse_log(path):
    """The program's log: {tid: [(command, result), ...]} and the first tid."""
    seqs, first = {}, None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = re.fullmatch(r"(\d+) (BPF_[A-Z_]+|BPF_\?\?\?) (-?\d+|-E[A-Z0-9]+)\n", line)
            if not m:
                raise Failure(f"{path}:{n}: not a log line: {line!r}")
            tid = int(m.group(1))
            first = tid if first is None else first
            seqs.setdefault(tid, []).append((m.group(2), m.group(3)))
    return seqs, first


def command_name(text):
    """BPF_X, or strace's `0x24 /* BPF_??? */` for commands it does not know."""
    m = re.fullmatch(r"0x([0-9a-f]+) /\* BPF_\?\?\? \*/", text)
    if m:
        n = int(m.group(1), 16)
        return BPF_CMDS[n] if n < len(BPF_CMDS) else text
    return text


class Trace:
    """Per-thread sequences of (command, result) and the process ends."""

    def __init__(self):
        self.seqs = {}
        self.exits = []          # (pid, "exited" | "killed", code or signal name)
        self.unfinished = 0      # calls shown <unfinished ...> and later resumed
        self.never_returned = 0  # calls that never returned (= ? <...>)
        self.pending = {}        # tid -> command shown unfinished, not yet resumed
        self.fd_lines = []       # (tid, syscall, result) of close/dup*/fcntl lines
        self.summary = []        # the end-of-trace summary: text lines or JSON objects
        self.last_event = None   # the last non-data line: ("call" | "exit", tid)
        self.pids = {}           # JSON: tid -> the set of pids its calls name

    def add(self, tid, cmd, result):
        self.seqs.setdefault(tid, []).append((cmd, result))
        self.last_event = ("call", tid)

    def commands(self):
        return {c for seq in self.seqs.values() for c, _ in seq}


CALL = re.compile(r"bpf\((BPF_[A-Z_]+|0x[0-9a-f]+ /\* BPF_\?\?\? \*/), ")
TEXT_OK = re.compile(r".*\) = (\d+)(?:<[^<>]*>)?")
# Lines of the fd syscalls the model follows (close, dup*, fcntl, close_range).
FD_LINE = re.compile(r"(close|close_range|dup|dup2|dup3|fcntl)\(.*\) = (-1 E[A-Z0-9]+ \(.*\)|\d+(?:<[^<>]*>)?)")
TEXT_ERR = re.compile(r".*\) = -1 (E[A-Z0-9]+|E\?\?\?) \(.*\)")
TEXT_UNFINISHED = re.compile(r".*, \d+ <unfinished \.\.\.>")
TEXT_GONE = re.compile(r".*, \d+ <unfinished \.\.\.> = \? <(.*)>")


def parse_tracer_text(text, main_tid, attached=False):
    """bpftrace-syscalls' text output. Lines without [pid N] are main_tid's.

    Data lines (indented) must follow a call line. Every <unfinished ...>
    must be resumed, by the same thread with the same command, unless the
    run was attached (-p) and detached with calls still running."""
    t = Trace()
    after_call = False
    for n, line in enumerate(text.splitlines(), 1):
        where = f"trace line {n}: {line[:160]!r}"
        if line.startswith("--- "):
            t.summary = text.splitlines()[n - 1:]
            break  # the end-of-trace summary
        if line.startswith("  "):
            if not after_call:
                raise Failure(f"{where}: a data line that follows no call")
            continue
        tid = main_tid
        m = re.match(r"\[pid (\d+)\] (.*)", line)
        if m:
            tid, line = int(m.group(1)), m.group(2)
        after_call = False
        m = re.fullmatch(r"\+\+\+ exited with (\d+) \+\+\+", line)
        if m:
            t.exits.append((tid, "exited", int(m.group(1))))
            t.last_event = ("exit", tid)
            continue
        m = re.fullmatch(r"\+\+\+ killed by (SIG[A-Z0-9]+) \+\+\+", line)
        if m:
            t.exits.append((tid, "killed", m.group(1)))
            t.last_event = ("exit", tid)
            continue
        m = FD_LINE.fullmatch(line)
        if m:
            t.fd_lines.append((tid, m.group(1), m.group(2)))
            after_call = True  # its commentary follows
            continue
        resumed = line.startswith("<... bpf resumed> ")
        if resumed:
            line = line[len("<... bpf resumed> "):]
        m = CALL.match(line)
        if not m:
            raise Failure(f"{where}: not a line bpftrace-syscalls writes")
        cmd = command_name(m.group(1))
        after_call = True
        gone = TEXT_GONE.fullmatch(line)
        if gone:
            if resumed:
                raise Failure(f"{where}: a resumed call that never returned")
            t.pending.pop(tid, None)
            t.never_returned += 1
            t.add(tid, cmd, "?")
            continue
        if TEXT_UNFINISHED.fullmatch(line):
            if resumed:
                raise Failure(f"{where}: resumed and unfinished at once")
            if tid in t.pending:
                raise Failure(f"{where}: thread {tid} has a call unfinished already ({t.pending[tid]})")
            t.pending[tid] = cmd
            continue
        ok, err = TEXT_OK.fullmatch(line), TEXT_ERR.fullmatch(line)
        if not ok and not err:
            raise Failure(f"{where}: no result")
        if resumed:
            if t.pending.get(tid) != cmd:
                raise Failure(f"{where}: resumes {cmd} but thread {tid} has {t.pending.get(tid)} unfinished")
            del t.pending[tid]
            t.unfinished += 1
        elif tid in t.pending:
            raise Failure(f"{where}: thread {tid} completes a call while {t.pending[tid]} is unfinished")
        t.add(tid, cmd, result_of(ok.group(1)) if ok else "-" + err.group(1))
    if t.pending and not attached:
        raise Failure(f"calls shown unfinished and never resumed: {t.pending}")
    return t


def keep_json_sample(text):
    """Keeps a JSON trace for the schema test (test/json/validate.py), in
    $BPFSC_JSON_SAMPLES (meson sets it for every test)."""
    where = os.environ.get("BPFSC_JSON_SAMPLES")
    if not where or not text:
        return
    os.makedirs(where, exist_ok=True)
    with open(os.path.join(where, f"trace-{os.getpid()}.jsonl"), "a") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def parse_tracer_json(text, attached=False):
    """bpftrace-syscalls --format=json: every line one JSON object, the
    first the header."""
    keep_json_sample(text)
    t = Trace()
    for n, line in enumerate(text.splitlines(), 1):
        where = f"JSON line {n}: {line[:160]!r}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise Failure(f"{where}: not JSON: {e}")
        if not isinstance(obj, dict):
            raise Failure(f"{where}: not an object")
        kind = obj.get("type")
        if n == 1 and kind != "header":
            raise Failure(f"{where}: the first record is not the header")
        if kind in ("header", "message"):
            continue
        if kind == "summary":
            t.summary.append(obj)
            continue
        if kind == "process":
            if obj["event"] != "exit":
                continue  # fork, exec, attach, detach: no line in the text
            if "exit_code" in obj:
                t.exits.append((obj["pid"], "exited", obj["exit_code"]))
            else:
                t.exits.append((obj["pid"], "killed", obj["signal"]["name"]))
            t.last_event = ("exit", obj["pid"])
            continue
        if kind == "syscall":
            if obj["syscall"] in ("close", "close_range", "dup", "dup2", "dup3", "fcntl"):
                t.fd_lines.append((obj["tid"], obj["syscall"], obj["return"]["value"]))
            continue
        if kind != "call":
            raise Failure(f"{where}: a record of unknown type {kind!r}")
        try:
            if obj["syscall"] != "bpf":
                raise Failure(f"{where}: not a bpf call")
            tid, cmd, finished = obj["tid"], obj["cmd"], obj["finished"]
            name = cmd["name"] if cmd["name"] is not None else f"{cmd['value']:#x}"
            if cmd["value"] < len(BPF_CMDS) and BPF_CMDS[cmd["value"]] != name:
                raise Failure(f"{where}: cmd.value {cmd['value']} is not {name}")
            if not isinstance(obj["pid"], int) or not isinstance(obj["attr"], dict):
                raise Failure(f"{where}: pid or attr missing")
            t.pids.setdefault(tid, set()).add(obj["pid"])
            if not finished:
                # One record per call: an unfinished one never returned
                # (its thread exited or exec'd, or its result is unknown).
                if "return" in obj:
                    raise Failure(f"{where}: an unfinished call with a return value")
                if obj.get("end") not in ("exited", "execve", "result_unknown"):
                    raise Failure(f"{where}: an unfinished call without the reason it ended")
                t.never_returned += 1
                t.add(tid, name, "?")
                continue
            ret = obj["return"]
            if ret["value"] < 0:
                if ret["value"] != -1 or not isinstance(ret.get("errno"), int):
                    raise Failure(f"{where}: a failed call is -1 with an errno")
                t.add(tid, name, "-" + (ret.get("error") or "E???"))
            else:
                t.add(tid, name, str(ret["value"]))
        except (KeyError, TypeError) as e:
            raise Failure(f"{where}: a member is missing or of the wrong type: {e!r}")
    if t.pending and not attached:
        raise Failure(f"calls shown unfinished and never finished: {t.pending}")
    return t


STRACE_RESULT = re.compile(r".*\)\s+= (\?|-?\d+)(?: (E[A-Z0-9]+) \(.*\))?(?: <.*>)?")


def parse_strace(text):
    """strace -f -o: `PID bpf(...) = R`, `<unfinished ...>`, `<... bpf resumed>`."""
    t = Trace()
    for n, line in enumerate(text.splitlines(), 1):
        where = f"strace line {n}: {line[:160]!r}"
        m = re.fullmatch(r"(\d+) +(.*)", line)
        if not m:
            raise Failure(f"{where}: no pid")
        tid, body = int(m.group(1)), m.group(2)
        if body.startswith("--- "):
            continue  # a signal
        m = re.fullmatch(r"\+\+\+ (exited with (\d+)|killed by (SIG[A-Z0-9]+).*|superseded by execve.*) \+\+\+", body)
        if m:
            if m.group(2) is not None:
                t.exits.append((tid, "exited", int(m.group(2))))
            elif m.group(3) is not None:
                t.exits.append((tid, "killed", m.group(3)))
            continue
        if body.startswith("<... bpf resumed>"):
            if tid not in t.pending:
                raise Failure(f"{where}: resumes a call that is not unfinished")
            cmd = t.pending.pop(tid)
            t.unfinished += 1
        else:
            m = CALL.match(body)
            if not m:
                raise Failure(f"{where}: not a bpf() line")
            cmd = command_name(m.group(1))
            if body.endswith(" <unfinished ...>"):
                t.pending[tid] = cmd
                continue
        r = STRACE_RESULT.fullmatch(body)
        if not r:
            raise Failure(f"{where}: no result")
        if r.group(1) == "?":
            t.never_returned += 1
        t.add(tid, cmd, result_of(r.group(1), r.group(2)))
    if t.pending:
        raise Failure(f"strace: calls unfinished and never resumed: {t.pending}")
    return t


# --- comparing ---------------------------------------------------------------

def show(seq, at, width=3):
    lo = max(0, at - width)
    return ", ".join(f"#{i} {c} {r}" for i, (c, r) in enumerate(seq[lo:at + width + 1], lo)) or "(nothing)"


def compare_threads(expected, actual, what_expected, what_actual):
    """Per thread (by tid): the same commands in the same order with the same results."""
    problems = []
    for tid in sorted(set(expected) | set(actual)):
        e, a = expected.get(tid, []), actual.get(tid, [])
        if e == a:
            continue
        at = next((i for i, (x, y) in enumerate(zip(e, a)) if x != y), min(len(e), len(a)))
        problems.append(f"thread {tid}: {what_expected} has {len(e)} calls, {what_actual} {len(a)}; "
                        f"first difference at call #{at}:\n    {what_expected}: {show(e, at)}\n"
                        f"    {what_actual}: {show(a, at)}")
    if problems:
        raise Failure("\n".join(problems))


def compare_runs(a, b, what_a, what_b):
    """Two runs of one program: thread ids differ between runs, so threads are
    matched by what they did: the multisets of per-thread sequences must be equal."""
    sa = sorted(tuple(s) for s in a.values())
    sb = sorted(tuple(s) for s in b.values())
    if sa == sb:
        return
    only_a = [s for s in sa if s not in sb]
    only_b = [s for s in sb if s not in sa]
    def brief(seqs):
        return "\n".join(f"    {len(s)} calls: {show(list(s), 0, 4)}" for s in seqs[:4]) or "    (none)"
    raise Failure(f"{what_a} and {what_b} differ: {len(sa)} vs {len(sb)} threads\n"
                  f"  threads only in {what_a}:\n{brief(only_a)}\n  threads only in {what_b}:\n{brief(only_b)}")


def check_exits(trace, main_tid, status, what):
    """The traced program's end is shown once, last, with its real status."""
    mine = [e for e in trace.exits if e[0] == main_tid]
    if len(mine) != 1:
        raise Failure(f"{what}: {len(mine)} process-end lines for the main process {main_tid} "
                      f"(lines without [pid N] count as its): {trace.exits}")
    expected = (main_tid, "exited", status) if status < 128 else (main_tid, "killed", None)
    if mine[0][:2] != expected[:2] or (status < 128 and mine[0][2] != status):
        raise Failure(f"{what}: the main process ends with {mine[0]}, but its status is {status}")
    if trace.last_event != ("exit", main_tid):
        raise Failure(f"{what}: the last line is not the main process's end: {trace.last_event}")


def check_json_pids(trace, kind, main_tid):
    """pid is the thread's process: one per thread, and a process's leader is
    a thread of its own (every process of these programs makes calls from
    its leader); all of bpf_threads' threads are one process."""
    for tid, pids in sorted(trace.pids.items()):
        if len(pids) != 1:
            raise Failure(f"JSON: thread {tid}'s calls name several pids: {sorted(pids)}")
        pid = next(iter(pids))
        if trace.pids.get(pid) != {pid}:
            raise Failure(f"JSON: thread {tid} has pid {pid}, which is not a process leader that made calls")
        if kind == "bpf_threads" and pid != main_tid:
            raise Failure(f"JSON: thread {tid} of bpf_threads has pid {pid}, not {main_tid}")


def program_checks(kind, log, trace, what):
    """What each program is for."""
    if kind == "bpf_all_commands":
        missing = [f"{i} {c}" for i, c in enumerate(BPF_CMDS) if c not in trace.commands()]
        if missing:
            raise Failure(f"{what}: commands never seen: {', '.join(missing)}")
    elif kind == "bpf_threads":
        if len(log) < 5:
            raise Failure(f"the log shows {len(log)} threads, not main + 4 workers")
    elif kind == "bpf_signals":
        if len(log) < 6:
            raise Failure(f"the log shows {len(log)} tasks, not main, 4 workers and the fork child")
    elif kind == "bpf_fork_exec":
        if len(log) < 4:
            raise Failure(f"the log shows {len(log)} tasks, not main, fork child, vfork child and the exec thread")


# What bpf_all_commands reads with BPF_OBJ_GET_INFO_BY_FD: each struct decoded
# as its own, picked by the object the fd model says the fd is; the id in the
# struct is the id in the fd's label.
INFO_LINES = {
    "bpf_map_info": re.compile(r"bpf_fd=\d+<map#(\d+):hash:config>, info_len=88, info=\{type=BPF_MAP_TYPE_HASH, "
                               r"id=(\d+), key_size=4, value_size=13, max_entries=16, name=\"config\""),
    "bpf_prog_info": re.compile(r"bpf_fd=\d+<prog#(\d+):socket_filter:sockf>, info_len=232, info=\{"
                                r"type=BPF_PROG_TYPE_SOCKET_FILTER, id=(\d+), tag=\"[0-9a-f]{16}\", .* name=\"sockf\", "),
    "bpf_btf_info": re.compile(r"bpf_fd=\d+<btf#(\d+)>, info_len=32, info=\{btf_size=0 => \d+, id=(\d+)\}"),
    "bpf_link_info": re.compile(r"bpf_fd=\d+<link#(\d+):cgroup>, info_len=\d+, info=\{type=BPF_LINK_TYPE_CGROUP, "
                                r"id=(\d+), prog_id=\d+, cgroup=\{cgroup_id=\d+, attach_type=BPF_CGROUP_INET_INGRESS\}\}"),
}


CALL_LINE = re.compile(r"^(?:\[pid +\d+\] )?bpf\((BPF_\w+), ")
MEMBER_NAME = re.compile(r"[{ ](\w+)=")
LEAF_KEYS = ("value", "addr", "fd", "string")


def json_members(fields, into):
    """The attr's members of a JSON call record by name (nested groups and
    info structs flattened), as the text names them."""
    for name, v in fields.items():
        if isinstance(v, dict) and isinstance(v.get("fields"), dict):
            json_members(v["fields"], into)  # an info struct the call wrote
        if isinstance(v, dict) and not any(k in v and not isinstance(v[k], dict) for k in LEAF_KEYS):
            json_members(v, into)
        else:
            into.setdefault(name, []).append(v)
    return into


def json_zero(v):
    if isinstance(v, dict):
        return all(v.get(k) in (None, 0, "") for k in LEAF_KEYS) and "before" not in v
    return v in (0, "")


def with_info_inline(text):
    """The text with each info struct the brief view shows on data lines
    below its call (`  info: {...}`, wrapped) put back inline, where
    -e abbrev=none shows it: one line per call, as strace's shape."""
    out = []
    for line in text.splitlines():
        if line.startswith("  info: {") and out and "bpf(BPF_OBJ_GET_INFO_BY_FD, " in out[-1]:
            out.append(("INFO", line[len("  info: "):]))
            continue
        if line.startswith("         ") and out and isinstance(out[-1], tuple):
            out[-1] = ("INFO", out[-1][1] + " " + line.strip())
            continue
        if out and isinstance(out[-1], tuple):
            struct = out.pop()[1]
            out[-1] = re.sub(r"info=0x[0-9a-f]+\}\}", lambda m: "info=" + struct + "}}", out[-1], count=1)
        out.append(line)
    if out and isinstance(out[-1], tuple):
        struct = out.pop()[1]
        out[-1] = re.sub(r"info=0x[0-9a-f]+\}\}", lambda m: "info=" + struct + "}}", out[-1], count=1)
    return "\n".join(out)


def told_by_summary(name, values, line):
    """A count the brief line leaves out because an array's summary says it:
    insn_cnt=68 as insns=<68 insns>."""
    return all(f"=<{v.get('value') if isinstance(v, dict) else v} " in line for v in values)


def check_brief_lines(brief, full, json_text):
    """The default lines against -e abbrev=none and the JSON: the same calls
    in the same order; each brief line shows a subset of the full line's
    members and leaves out only members that are zero in the JSON record;
    the full bpf_map_info shows the members the brief one leaves out."""
    brief_calls = [line for line in with_info_inline(brief).splitlines() if CALL_LINE.match(line)]
    full_calls = [line for line in full.splitlines() if CALL_LINE.match(line)]
    records = [json.loads(line) for line in json_text.splitlines()]
    records = [r for r in records if r.get("type") == "call" and r.get("syscall") == "bpf"]
    commands = [CALL_LINE.match(b).group(1) for b in brief_calls]
    if commands != [CALL_LINE.match(f).group(1) for f in full_calls]:
        raise Failure("-e abbrev=none shows other calls than the default run")
    if commands != [r["cmd"].get("name") for r in records]:
        raise Failure("the JSON run shows other calls than the default run")
    shorter = 0
    for b, f, r in zip(brief_calls, full_calls, records):
        names_b, names_f = set(MEMBER_NAME.findall(b)), set(MEMBER_NAME.findall(f))
        if names_b - names_f:
            raise Failure(f"a brief line shows members {sorted(names_b - names_f)} the full line has not:\n    {b}\n    {f}")
        members = json_members(r.get("attr", {}).get("fields", {}), {})
        for name in names_f - names_b:
            values = members.get(name)
            if values is not None and told_by_summary(name, values, b):
                continue
            if values is None or not all(json_zero(v) for v in values):
                raise Failure(f"the brief line leaves out {name}, which is not zero ({values}):\n    {b}\n    {f}")
        shorter += len(b) < len(f)
    if shorter == 0:
        raise Failure("no default line is shorter than its -e abbrev=none line")
    if not any("map_flags=0, name=\"config\"" in f for f in full_calls):
        raise Failure("-e abbrev=none: no bpf_map_info shows map_flags=0")
    print(f"brief: {shorter} of {len(brief_calls)} lines shorter than with -e abbrev=none, nothing but zeros left out")


def check_info_structs(text, json_text):
    """bpf_all_commands: the info struct of a map, a program, a BTF object and a link, in text and JSON."""
    lines = [line for line in with_info_inline(text).splitlines()
             if "bpf(BPF_OBJ_GET_INFO_BY_FD, " in line and line.endswith(") = 0")]
    for struct, pattern in INFO_LINES.items():
        found = [m for m in (pattern.search(line) for line in lines) if m]
        if not found:
            raise Failure(f"no BPF_OBJ_GET_INFO_BY_FD line shows its {struct} decoded:\n    " + "\n    ".join(lines))
        if any(m.group(1) != m.group(2) for m in found):
            raise Failure(f"{struct}: the id in the struct is not the id in the fd's label: {found[0].group(0)}")
    structs = set()
    for line in json_text.splitlines():
        obj = json.loads(line)
        if obj.get("cmd", {}).get("name") != "BPF_OBJ_GET_INFO_BY_FD" or obj["return"]["value"] != 0:
            continue
        info = obj["attr"]["fields"]["info"]
        decoded = info["info"]
        if "struct" not in decoded or not decoded["written"]:
            raise Failure(f"JSON: an info struct not decoded: {line[:300]}")
        label_id = int(re.search(r"#(\d+)", info["bpf_fd"]["label"]).group(1))
        if decoded["fields"]["id"] != label_id:
            raise Failure(f"JSON: {decoded['struct']} id {decoded['fields']['id']}, the fd's label says {label_id}")
        structs.add(decoded["struct"])
    if structs != set(INFO_LINES):
        raise Failure(f"JSON: info structs decoded {sorted(structs)}, expected {sorted(INFO_LINES)}")
    print(f"info structs: {', '.join(sorted(structs))} decoded in text and JSON")


# --- the program tests -------------------------------------------------------

def remove_leftovers(log_path):
    """What bpf_all_commands creates and removes itself, should a run end early."""
    try:
        _, pid = parse_log(log_path)
    except (OSError, Failure):
        return
    if pid is None:
        return
    pin_dir = f"/sys/fs/bpf/bpfsc-integ-{pid}"
    if os.path.isdir(pin_dir):
        for name in os.listdir(pin_dir):
            os.unlink(os.path.join(pin_dir, name))
        os.rmdir(pin_dir)
    for m in mounts():
        cg = os.path.join(m[1], f"bpfsc-integ-{pid}")
        if m[2] == "cgroup2" and os.path.isdir(cg):
            try:
                os.rmdir(cg)
            except OSError as e:
                print(f"cannot remove {cg}: {e}")


def traced_run(args, tmp, program, name, fmt="text", extra=()):
    """bpftrace-syscalls -o FILE [--format=json] [EXTRA...] PROGRAM LOG."""
    out, log = os.path.join(tmp, name + ".trace"), os.path.join(tmp, name + ".log")
    argv = tracer_cmd(args) + ["-o", out] + (["--format=json"] if fmt == "json" else []) + list(extra) + [program, log]
    try:
        rc, _, err = run(argv, what="bpftrace-syscalls")
    finally:
        remove_leftovers(log)
    if err:
        print(f"bpftrace-syscalls ({name}) stderr:\n{err}")
    with open(out, errors="replace") as f:
        text = f.read()
    return exit_status(rc), text, log


def plain_run(program, tmp):
    """The program alone: its own exit status, the reference."""
    log = os.path.join(tmp, "plain.log")
    try:
        rc, _, err = run([program, log], what=os.path.basename(program))
    finally:
        remove_leftovers(log)
    if rc != 0:
        raise Failure(f"{program} fails even untraced (status {exit_status(rc)}): {err.strip()}")
    return exit_status(rc)


def test_trace(args, tmp):
    program = os.path.abspath(args.program)
    kind = os.path.basename(program)
    status = plain_run(program, tmp)

    # Text: each thread's calls are exactly what the program logged. Threads
    # racing is what makes calls interleave; a run where the scheduler let
    # them take turns gets two more chances before that counts as a failure.
    # The seccomp backend runs these calls itself, one at a time, answering
    # each at once: there, every call is shown whole.
    interleaving = args.backend != "seccomp"
    for attempt in range(3):
        rc, text, log_path = traced_run(args, tmp, program, "text")
        log, main_tid = parse_log(log_path)
        if rc != status:
            raise Failure(f"bpftrace-syscalls exits with {rc}, the program's status is {status}")
        trace = parse_tracer_text(text, main_tid)
        compare_threads(log, trace.seqs, "the program's log", "the trace")
        check_exits(trace, main_tid, status, "text trace")
        program_checks(kind, log, trace, "the trace")
        if kind != "bpf_threads" or trace.unfinished > 0 or not interleaving:
            break
        os.unlink(log_path)
    if kind == "bpf_threads" and trace.unfinished == 0 and interleaving:
        raise Failure("4 threads and the main thread calling at once, and no call was shown <unfinished ...>")
    print(f"text: {sum(map(len, trace.seqs.values()))} calls in {len(trace.seqs)} threads match the log "
          f"({trace.unfinished} unfinished and resumed)")

    # JSON: every line parses; cmd.name and return.value tell the same story.
    text_trace = text
    rc, text, log_path = traced_run(args, tmp, program, "json", fmt="json")
    jlog, jmain = parse_log(log_path)
    if rc != status:
        raise Failure(f"bpftrace-syscalls --format=json exits with {rc}, the program's status is {status}")
    jtrace = parse_tracer_json(text)
    compare_threads(jlog, jtrace.seqs, "the program's log", "the JSON trace")
    check_exits(jtrace, jmain, status, "JSON trace")
    check_json_pids(jtrace, kind, jmain)
    compare_runs(trace.seqs, jtrace.seqs, "the text run", "the JSON run")
    print(f"json: {sum(map(len, jtrace.seqs.values()))} calls match the log and the text run")
    if kind == "bpf_all_commands":
        check_info_structs(text_trace, text)
        rc, full, log_path = traced_run(args, tmp, program, "full", extra=["-e", "abbrev=none"])
        os.unlink(log_path)
        check_brief_lines(text_trace, full, text)


def test_strace(args, tmp):
    """The tracer against strace, one run each.

    What must match: per thread, the commands, their order and every result,
    exactly. bpf() never returns an id (ids come back inside the attr, which
    is not compared), only 0, counts, fds and errors; fd numbers are the
    lowest free ones of a process whose fd table is the same in both runs
    (neither tracer leaves a descriptor in its tracee, and the programs do the
    same things in the same order), so fds must be equal too. What may
    differ: ids and addresses inside the attr, pids and tids (threads are
    matched by what they did, not by number), and the interleaving of
    threads (only the order within a thread is compared)."""
    program = os.path.abspath(args.program)
    kind = os.path.basename(program)
    status = plain_run(program, tmp)

    rc, text, log_path = traced_run(args, tmp, program, "text")
    log, main_tid = parse_log(log_path)
    if rc != status:
        raise Failure(f"bpftrace-syscalls exits with {rc}, the program's status is {status}")
    trace = parse_tracer_text(text, main_tid)
    compare_threads(log, trace.seqs, "the program's log", "the trace")

    out, slog = os.path.join(tmp, "strace.out"), os.path.join(tmp, "strace.log")
    try:
        src, _, err = run([args.strace, "-f", "-e", "trace=bpf", "-o", out, program, slog], what="strace")
    finally:
        remove_leftovers(slog)
    if exit_status(src) != status:
        raise Failure(f"strace exits with {exit_status(src)}, the program's status is {status}: {err.strip()}")
    with open(out, errors="replace") as f:
        strace = parse_strace(f.read())
    slog_seqs, _ = parse_log(slog)
    compare_threads(slog_seqs, strace.seqs, "the program's log (strace run)", "strace")
    compare_runs(strace.seqs, trace.seqs, "strace", "bpftrace-syscalls")
    program_checks(kind, slog_seqs, strace, "strace")
    print(f"strace and bpftrace-syscalls agree: {sum(map(len, trace.seqs.values()))} calls "
          f"in {len(trace.seqs)} threads")


def test_bpftool(args, tmp):
    """The lab commands: `bpftool map dump name config` with two maps named
    config, and `bpftool prog show`, under the tracer and under strace: the
    same commands in the same order with the same results (bpftool is one
    thread; its pid differs between runs, so runs are compared by content).
    Run alone (not in parallel): bpftool walks every object of the system."""
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    if not os.access(bpftool, os.X_OK):
        skip("bpftool is not installed")
    pins = [f"/sys/fs/bpf/bpfsc-integ-{os.getpid()}-{i}" for i in (1, 2)]
    try:
        for i, pin in enumerate(pins):
            run([bpftool, "map", "create", pin, "type", "hash", "key", "4", "value", "13", "entries", "16",
                 "name", "config"], what="bpftool map create")
            # key 501 (0x1f5) -> "Hi user 501!", key 0 -> "Hey root!" in the second map only
            run([bpftool, "map", "update", "pinned", pin, "key", "0xf5", "0x01", "0", "0", "value"] +
                [hex(b) for b in b"Hi user 501!\0"], what="bpftool map update")
            if i == 1:
                run([bpftool, "map", "update", "pinned", pin, "key", "0", "0", "0", "0", "value"] +
                    [hex(b) for b in b"Hey root!\0\0\0\0"], what="bpftool map update")
        for argv in (["map", "dump", "name", "config"], ["prog", "show"]):
            what = "bpftool " + " ".join(argv)
            out = os.path.join(tmp, "ours.trace")
            rc, _, err = run(tracer_cmd(args) + ["-o", out, bpftool] + argv, what=what)
            if rc != 0:
                raise Failure(f"{what} under bpftrace-syscalls exits with {exit_status(rc)}: {err.strip()}")
            with open(out, errors="replace") as f:
                text = f.read()
            ours = parse_tracer_text(text, None)
            sout = os.path.join(tmp, "strace.out")
            rc, _, err = run([args.strace, "-f", "-e", "trace=bpf", "-o", sout, bpftool] + argv, what="strace")
            if rc != 0:
                raise Failure(f"{what} under strace exits with {exit_status(rc)}: {err.strip()}")
            with open(sout, errors="replace") as f:
                theirs = parse_strace(f.read())
            compare_runs(theirs.seqs, ours.seqs, "strace", "bpftrace-syscalls")
            calls = [c for seq in ours.seqs.values() for c in seq]
            if not calls:
                raise Failure(f"{what}: no bpf() call traced")
            if argv[0] == "map":
                # Both maps opened, walked and read; the walks end with ENOENT.
                opened = [r for c, r in calls if c == "BPF_MAP_GET_FD_BY_ID"]
                lookups = [r for c, r in calls if c == "BPF_MAP_LOOKUP_ELEM"]
                ends = [r for c, r in calls if c == "BPF_MAP_GET_NEXT_KEY" and r == "-ENOENT"]
                if len(lookups) < 3 or len(ends) < 2 or not opened:
                    raise Failure(f"{what}: expected both config maps read (3 lookups, 2 walks ending in "
                                  f"ENOENT), got {len(lookups)} lookups, {len(ends)} ends")
                for needle in ("value: 48 69 20 75 73 65 72 20 35 30 31 21 00", "key: f5 01 00 00",
                               "value: 48 65 79 20 72 6f 6f 74 21 00 00 00 00"):
                    if needle not in text:
                        raise Failure(f"{what}: the trace lacks the data line {needle!r}")
            print(f"{what}: {len(calls)} calls, the same as strace's")
        # What keeps a pinned map alive: the summary says where it is pinned.
        out = os.path.join(tmp, "pinned.trace")
        rc, _, err = run(tracer_cmd(args) + ["-o", out, bpftool, "map", "show", "pinned", pins[0]], what="bpftool map show")
        if rc != 0:
            raise Failure(f"bpftool map show pinned under bpftrace-syscalls exits with {exit_status(rc)}: {err}")
        with open(out) as f:
            text = f.read()
        m = re.search(r"^--- objects alive after the trace ---\n  (map#\d+:hash:config)   pinned at (.*)$", text, re.M)
        if not m or m.group(2) != pins[0]:
            raise Failure(f"the summary does not say the map is pinned at {pins[0]}:\n{text}")
        if not re.search(r"^  fd \d+ +" + re.escape(m.group(1)) + r" +opened by #1 BPF_OBJ_GET +closed by #\d+ close$",
                         text, re.M):
            raise Failure(f"the summary lacks the fd opened by BPF_OBJ_GET and closed by close:\n{text}")
        print(f"bpftool map show pinned: {m.group(1)} pinned at {m.group(2)}")
    finally:
        for pin in pins:
            try:
                os.unlink(pin)
            except OSError:
                pass


def test_fdmodel(args, tmp):
    """fd_lifecycle under the tracer: every fd that refers to the map carries
    its label wherever it appears, the fd syscalls that touch it are shown
    with their results, fork copies the table, and execve keeps exactly the
    fds without close-on-exec."""
    program = os.path.abspath(args.program)
    out = os.path.join(tmp, "fd.trace")
    rc, stdout, err = run(tracer_cmd(args) + ["-o", out, program], what="bpftrace-syscalls fd_lifecycle")
    if rc != 0:
        raise Failure(f"fd_lifecycle under the tracer exits with {exit_status(rc)}: {err.strip()}")
    m = re.search(r"fds (\d+) (\d+) (\d+) (\d+)", stdout)
    if not m:
        raise Failure(f"fd_lifecycle printed no fd numbers: {stdout!r}")
    mapfd, copy, fixed, cloexec = m.groups()
    with open(out) as f:
        text = f.read()
    first = re.search(r"BPF_MAP_CREATE, .*\) = " + mapfd + r"<(map#\d+:array:lifecycle)>", text)
    if not first:
        raise Failure(f"no BPF_MAP_CREATE returning {mapfd}<map#N:array:lifecycle>:\n{text}")
    L = "<" + first.group(1) + ">"
    child = r"\[pid \d+\] "
    expected = [
        rf"dup\({mapfd}{L}\) = {copy}{L}",
        rf"dup2\({mapfd}{L}, {fixed}\) = {fixed}{L}",
        rf"fcntl\({mapfd}{L}, F_DUPFD_CLOEXEC, 30\) = {cloexec}{L}",
        rf"fcntl\({copy}{L}, F_SETFD, FD_CLOEXEC\) = 0",
        rf"fcntl\({copy}{L}, F_SETFD, 0\) = 0",
        rf"close\({mapfd}{L}\) = 0",
        rf"close_range\({fixed}, {fixed}, 0\) = 0",
        rf"{child}close\({copy}{L}\) = 0",
        rf"{child}bpf\(BPF_MAP_LOOKUP_ELEM, \{{map_fd={cloexec}{L}, .*\) = 0",
        # after execve: the close-on-exec copy is gone, the plain one still
        # names the map; [pid N] stays once a second process was seen
        rf"{child}bpf\(BPF_MAP_LOOKUP_ELEM, \{{map_fd={copy}{L}, .*\) = 0",
    ]
    lines = [l for l in text.splitlines() if not l.startswith("  ")]
    at = 0
    for pattern in expected:
        while at < len(lines) and not re.fullmatch(pattern, lines[at]):
            at += 1
        if at == len(lines):
            raise Failure(f"no line matching {pattern!r} (in order) in:\n{text}")
        at += 1
    print(f"fd model: {len(expected)} lines as expected, label {L}")

    # -n numbers the lines as the summary names the calls that opened and closed each fd.
    out = os.path.join(tmp, "numbered.trace")
    rc, stdout, err = run(tracer_cmd(args) + ["-n", "-o", out, program], what="bpftrace-syscalls -n fd_lifecycle")
    if rc != 0:
        raise Failure(f"fd_lifecycle under the tracer with -n exits with {exit_status(rc)}: {err.strip()}")
    m = re.search(r"fds (\d+) ", stdout)
    with open(out) as f:
        text = f.read()
    created = re.search(r"^#(\d+) bpf\(BPF_MAP_CREATE, .*\) = " + m.group(1) + r"<", text, re.M)
    closed = re.search(r"^#(\d+) close\(" + m.group(1) + r"<", text, re.M)
    if not created or not closed:
        raise Failure(f"-n: no numbered BPF_MAP_CREATE and close of fd {m.group(1)}:\n{text}")
    row = rf"^  fd {m.group(1)} +map#\d+:array:lifecycle +opened by #{created.group(1)} BPF_MAP_CREATE +closed by #{closed.group(1)} close$"
    if not re.search(row, text, re.M):
        raise Failure(f"-n: the summary does not name calls #{created.group(1)} and #{closed.group(1)}:\n{text}")
    print(f"-n: fd {m.group(1)} opened by #{created.group(1)}, closed by #{closed.group(1)}, as the summary says")


def test_hostile(args, tmp):
    """A hostile tracee (random commands, sizes and pointers, an attr flipped
    by another thread while in use, exit_group with calls in flight): the
    tracer survives, exits with the program's status (3), and its trace,
    text and JSON, accounts for every call: each has its result or is shown
    as never returning."""
    program = os.path.abspath(args.program)
    for fmt in ("text", "json"):
        out = os.path.join(tmp, "hostile." + fmt)
        argv = tracer_cmd(args) + ["-o", out] + (["--format=json"] if fmt == "json" else []) + [program]
        rc, _, err = run(argv, what=f"bpftrace-syscalls hostile ({fmt})")
        if exit_status(rc) != 3:
            raise Failure(f"{fmt}: bpftrace-syscalls exits with {exit_status(rc)}, the program with 3: {err.strip()}")
        with open(out, errors="strict") as f:  # the output is valid UTF-8 whatever the input bytes
            text = f.read()
        trace = parse_tracer_json(text, attached=True) if fmt == "json" else parse_tracer_text(text, None, attached=True)
        calls = sum(map(len, trace.seqs.values()))
        if calls < 3000:
            raise Failure(f"{fmt}: only {calls} calls in the trace of at least 3,000")
        print(f"{fmt}: {calls} calls, {trace.never_returned} never returned, all accounted for")


def test_hostile_btf(args, tmp):
    """BTF the tracer must not trust: malformed blobs (loops no C type can
    be) and a blob flipped by another thread while it is loaded, then used
    as a map's value type. With -v (the blobs' C) and without, the tracer
    survives, does not hang, exits with the program's status (0) and shows
    every BPF_BTF_LOAD call."""
    program = os.path.abspath(args.program)
    rounds = 200
    for verbose in ([], ["-v"]):
        out = os.path.join(tmp, f"hostile-btf{''.join(verbose)}.txt")
        argv = tracer_cmd(args) + verbose + ["-o", out, program, str(rounds)]
        rc, _, err = run(argv, timeout=120, what=f"bpftrace-syscalls {' '.join(verbose)} hostile_btf")
        if exit_status(rc) != 0:
            raise Failure(f"{' '.join(verbose) or 'brief'}: bpftrace-syscalls exits with {exit_status(rc)}, "
                          f"the program with 0: {err.strip()}")
        with open(out, errors="strict") as f:
            loads = sum(1 for line in f if re.match(r"(\[pid +\d+\] )?bpf\(BPF_BTF_LOAD", line))
        if loads != 4 + rounds:
            raise Failure(f"{' '.join(verbose) or 'brief'}: {loads} BPF_BTF_LOAD lines in the trace, "
                          f"the program made {4 + rounds}")
        print(f"{' '.join(verbose) or 'brief'}: all {loads} BTF loads shown, the tracer survived")


# --- the traced program lives as untraced --------------------------------------

def inherited_signal_state():
    """What a shell under nohup, with a signal blocked, hands its children:
    SIGHUP ignored, SIGUSR1 blocked, SIGPIPE as the default (Python ignores
    it, and subprocess's restore_signals is off so that this stays)."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})


def test_lives(args, tmp):
    """The program starts with what it would untraced: the same blocked and
    ignored signals (not the tracer's), x32 and i386 calls answered as the
    kernel answers them, no fd of the tracer's; paths through /proc/self
    and magic links name its own files, not the tracer's; and SIGPIPE kills
    it as it would (`TRACER yes | head -1` ends with 141, at once); a signal
    interrupts a program load (EAGAIN) and a test run (EINTR) as untraced;
    a read-only attr fails with EFAULT where the kernel writes a member back
    whatever it held; the program's own seccomp filters keep their meaning
    (SECCOMP_RET_TRACE with no tracer of its own: ENOSYS, unrun)."""
    program = os.path.abspath(args.program)

    def state(argv, env=None):
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                           preexec_fn=inherited_signal_state, restore_signals=False, env=env)
        if r.returncode != 0:
            raise Failure(f"{' '.join(argv)} exits with {exit_status(r.returncode)}: {r.stderr.strip()}")
        state.stderr = r.stderr
        return r.stdout.splitlines()

    for mode in ("state", "paths", "interrupted", "readonly", "own-filter"):
        extra = []
        if mode in ("interrupted", "readonly", "own-filter"):
            require_bpf()
        if mode == "paths":
            # Paths that name their caller (/proc/self/cwd, /dev/fd/N,
            # /proc/self/exe), resolved from a directory on bpffs.
            require_bpf()
            bpffs_dir = f"/sys/fs/bpf/bpfsc_lives_{os.getpid()}"
            os.makedirs(bpffs_dir, exist_ok=True)
            extra = [bpffs_dir]
        try:
            untraced = state([program, mode] + extra)
            traced = state(tracer_cmd(args) + ["-o", os.path.join(tmp, mode + ".trace"), program, mode] + extra,
                           env=dict(os.environ, BPFSC_SECCOMP_STATS="1"))
        finally:
            if extra:
                shutil.rmtree(extra[0], ignore_errors=True)
        if traced != untraced:
            raise Failure(f"{mode}: the program's own view differs when traced:\n  untraced: " +
                          "\n            ".join(untraced) + "\n  traced:   " + "\n            ".join(traced))
        if args.backend == "seccomp" and mode in ("interrupted", "readonly"):
            # The calls must have been the tracer's to run, or nothing was shown.
            brokered, reasons, _ = seccomp_stats(state.stderr)
            wanted = {"interrupted": 3, "readonly": 6}[mode]
            if brokered != wanted:
                raise Failure(f"{mode}: the tracer ran {brokered} of the program's calls, not all {wanted}: {reasons}")
            if mode == "interrupted" and reasons.get("interrupted for a signal of the tracee's") != 2:
                raise Failure(f"{mode}: the broker did not interrupt both calls for the tracee's signal: {reasons}")
        print(f"{mode}: same view as untraced: " + "; ".join(untraced))

    for what, argv in (("untraced", ["yes"]), ("traced", tracer_cmd(args) + ["-o", os.path.join(tmp, "yes.trace"), "yes"])):
        started = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=inherited_signal_state, restore_signals=False)
        p.stdout.readline()
        p.stdout.close()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            raise Failure(f"{what}: `yes` still runs 10 s after the reader of its pipe went away")
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if exit_status(p.returncode) != 141:
            raise Failure(f"{what} `yes | head -1` ends with {exit_status(p.returncode)}, not 141 (SIGPIPE): {err.strip()}")
        print(f"{what}: yes | head -1 ends with 141 after {time.monotonic() - started:.2f} s")


def signal_run(args, tmp, name, wanted, deliver):
    """lives_as_untraced signals WANTED under the tracer, in a session of its
    own; deliver(tracer) sends the signals once the program is ready.
    Returns (the program's count of SIGINTs, exit status, the trace)."""
    program = os.path.abspath(args.program)
    out = os.path.join(tmp, name + ".trace")
    p = subprocess.Popen(tracer_cmd(args) + ["-o", out, program, "signals", str(wanted)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        if p.stdout.readline().strip() != "ready":
            raise Failure(f"{name}: the program did not start: {p.stderr.read().strip()}")
        deliver(p)
        stdout, stderr = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        raise Failure(f"{name}: still running 30 s after its signals:\n{describe_group(p.pid)}")
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    m = re.search(r"sigint (\d+) bpf (\w+)", stdout)
    if not m or m.group(2) != "OK":
        raise Failure(f"{name}: the program did not finish its clean-up (status {exit_status(p.returncode)}): "
                      f"{stdout.strip()} {stderr.strip()}")
    with open(out) as f:
        trace = f.read()
    if len(re.findall(r"^(\[pid +\d+\] )?bpf\(BPF_MAP_CREATE", trace, re.M)) != 1:
        raise Failure(f"{name}: the clean-up's BPF_MAP_CREATE is not in the trace:\n{trace}")
    return int(m.group(1)), exit_status(p.returncode)


def test_signals(args, tmp):
    """Each signal reaches the program once, and nothing escalates: a SIGINT
    to the process group (Ctrl-C, `kill %1`) is not passed on again by the
    tracer; one to the tracer alone is; timeout(1)'s pair (the tracer, then
    the group) is one interrupt, not a "second Ctrl-C" that kills; two
    deliberate ones are two, as untraced. The program's clean-up call is
    traced every time."""
    def group(p):
        os.killpg(p.pid, signal.SIGINT)

    def alone(p):
        p.send_signal(signal.SIGINT)

    def twice(p):
        os.killpg(p.pid, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(p.pid, signal.SIGINT)

    def timeout_like(p):
        # timeout -s INT: kill(child), then kill(0), back to back.
        os.kill(p.pid, signal.SIGINT)
        os.killpg(p.pid, signal.SIGINT)

    for name, wanted, deliver, counts in (("group", 1, group, {1}), ("alone", 1, alone, {1}),
                                          ("twice", 2, twice, {2}), ("timeout", 1, timeout_like, {1, 2})):
        count, status = signal_run(args, tmp, name, wanted, deliver)
        if count not in counts or status != 0:
            raise Failure(f"{name}: the program got {count} SIGINT(s) and ends with {status}; untraced: "
                          f"{' or '.join(map(str, sorted(counts)))}, and 0")
        print(f"{name}: {count} SIGINT(s), clean-up traced, status 0")
    # timeout(1) itself, as users run it.
    program = os.path.abspath(args.program)
    out = os.path.join(tmp, "timeout.trace")
    rc, stdout, err = run(["timeout", "--preserve-status", "-s", "INT", "1"] + tracer_cmd(args) +
                          ["-o", out, program, "signals", "1"], what="timeout -s INT 1 bpftrace-syscalls")
    if exit_status(rc) != 0 or "bpf OK" not in stdout:
        raise Failure(f"timeout -s INT: the program ends with {exit_status(rc)} ({stdout.strip()} {err.strip()}), not 0 "
                      "after its clean-up")
    print(f"timeout -s INT 1: {stdout.strip()}, status 0")


# --- the seccomp backend ---------------------------------------------------------

def seccomp_stats(err):
    """What BPFSC_SECCOMP_STATS=1 makes the seccomp backend say at the end:
    calls it ran itself, calls left to the tracee by reason, and the
    tracer's open fds."""
    brokered, reasons, fds = None, {}, None
    for line in err.splitlines():
        m = re.fullmatch(r"seccomp backend: (\d+) bpf\(\) calls run by the tracer", line)
        if m:
            brokered = int(m.group(1))
        m = re.fullmatch(r"seccomp backend: (\d+) of them ended with their thread gone before the answer", line)
        if m:
            reasons["thread gone before the answer"] = int(m.group(1))
        m = re.fullmatch(r"seccomp backend: (\d+) of them interrupted for a signal of the tracee's", line)
        if m:
            reasons["interrupted for a signal of the tracee's"] = int(m.group(1))
        m = re.fullmatch(r"seccomp backend: (\d+) run by the tracee: (.*)", line)
        if m:
            reasons[m.group(2)] = int(m.group(1))
        m = re.fullmatch(r"seccomp backend: (-?\d+) fds left open by the tracer", line)
        if m:
            fds = int(m.group(1))
    if brokered is None:
        raise Failure(f"no statistics from the seccomp backend on stderr:\n{err}")
    return brokered, reasons, fds


def test_unprivileged(args, tmp):
    """A root tracer never lends an unprivileged tracee its privileges: a
    program that drops them itself (setresuid to nobody, as daemons do), and
    one that is nobody from the start, traced by the seccomp backend, see
    every call end as it ends untraced; the tracer ran only the calls made
    while the program was root."""
    program = os.path.abspath(args.program)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        skip("setpriv (util-linux) is not installed")
    os.chmod(tmp, 0o755)  # nobody writes its log here
    os.environ["BPFSC_SECCOMP_STATS"] = "1"
    as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all"]
    # The i386 ways (int 0x80, setresuid32 or setuid32) are the ones a
    # filter naming native syscalls only would miss.
    for what, argv, root_calls, how in (("drops its privileges", [program], 2, "native"),
                                        ("drops them through i386's setresuid32", [program], 2, "i386"),
                                        ("drops them through i386's setuid32", [program], 2, "i386-setuid"),
                                        ("is nobody from the start", as_nobody + [program], 0, "native")):
        logs = []
        for name in ("plain", "traced"):
            log = os.path.join(tmp, f"{name}-{how}-{root_calls}.log")
            with open(log, "w"):
                pass
            os.chmod(log, 0o666)
            logs.append(log)
        rc, _, err = run(argv + [logs[0], how], what=os.path.basename(program))
        if rc != 0:
            raise Failure(f"{what}: the program fails untraced (status {exit_status(rc)}): {err.strip()}")
        out = os.path.join(tmp, f"trace-{how}-{root_calls}.json")
        rc, _, err = run([args.tracer, "--backend=seccomp", "--format=json", "-o", out] + argv + [logs[1], how],
                         what="bpftrace-syscalls --backend=seccomp")
        if rc != 0:
            raise Failure(f"{what}: traced, status {exit_status(rc)}: {err.strip()}")
        plain, _ = parse_log(logs[0])
        traced, _ = parse_log(logs[1])
        compare_runs(plain, traced, "untraced", "traced")
        with open(out) as f:
            trace = parse_tracer_json(f.read())
        compare_threads(traced, trace.seqs, "the program's log", "the trace")
        brokered, reasons, _ = seccomp_stats(err)
        calls = sum(map(len, traced.values()))
        unprivileged = reasons.get("other credentials, capabilities or umask", 0)
        if brokered != root_calls or unprivileged != calls - root_calls:
            raise Failure(f"{what}: the tracer ran {brokered} calls (the program made {root_calls} as root) and "
                          f"left {unprivileged} of {calls - root_calls} unprivileged ones to it: {reasons}")
        results = ", ".join(f"{c} {r}" for seq in traced.values() for c, r in seq[root_calls:])
        print(f"ok: a program that {what}: {calls} calls as untraced, {brokered} run by the tracer, "
              f"the unprivileged ones by the program itself: {results}")


def objects_named(name):
    """Maps and programs in the system with this name (bpftool's JSON)."""
    found = []
    for kind in ("map", "prog"):
        r = subprocess.run(["bpftool", "-j", kind, "show"], capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(f"bpftool {kind} show: {r.stderr.strip()}")
        found += [f"{kind}#{o['id']}" for o in json.loads(r.stdout or "[]") if o.get("name") == name]
    return found


def test_killed(args, tmp):
    """A tracee killed (SIGKILL) while its threads' bpf() calls are being
    run by the seccomp broker: the objects the tracer made for calls that
    never completed go away with it, and the tracer is left holding no fd.
    The kill lands while the broker zeroes a 32 MiB map (15 ms, the largest
    map it creates itself), but timing is the scheduler's
    (a sanitizer build or a busy machine shifts it): up to ten runs get the
    chance to catch a call in the broker's hands; most need one."""
    if shutil.which("bpftool") is None:
        skip("bpftool is not installed")
    program = os.path.abspath(args.program)
    os.environ["BPFSC_SECCOMP_STATS"] = "1"
    for attempt in range(10):
        rc, out, err = run([args.tracer, "--backend=seccomp", "-o", os.path.join(tmp, "trace"), program],
                           what="bpftrace-syscalls --backend=seccomp killed_mid_call")
        if exit_status(rc) != 137:
            raise Failure(f"the tracer exits with {exit_status(rc)}, the program was killed by SIGKILL (137): {err}")
        name = "bpfsc_mid_" + out.split()[0]
        brokered, reasons, fds = seccomp_stats(err)
        if brokered < 1:
            raise Failure(f"only {brokered} calls were run by the tracer: the test shows nothing ({reasons})")
        if fds != 0:
            raise Failure(f"the tracer ends with {fds} more fds open than it started with")
        # The kernel frees an object after its last reference goes, a little later (RCU).
        deadline = time.monotonic() + 5
        while objects_named(name) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = objects_named(name)
        if left:
            raise Failure(f"{left} named {name} outlive the killed program")
        gone = reasons.get("thread gone before the answer", 0)
        print(f"ok: {brokered} calls run by the tracer ({gone} of them for a thread killed before the answer): "
              f"nothing named {name} left, no fd left open in the tracer")
        if gone > 0:
            return
    raise Failure("in ten runs the kill never found a call in the broker's hands")


# --- the same trace from both backends -------------------------------------------

ID_KEY = re.compile(r"(^|_)(id|ids)$")
NOTE_NUMBER = re.compile(r"\b(id|ids|map|maps|program|programs|link|links|object|process|after) \d+")


def normalize(value, pids, key=""):
    """One JSON value with what differs from run to run whatever traces it
    made uniform: addresses, object ids, pids, durations."""
    if isinstance(value, dict):
        # What the summary searched counts the machine's processes, pins and
        # objects at that moment: never the same twice.
        return {k: normalize(v, pids, k) for k, v in value.items()
                if k not in ("seq", "tid", "ts", "duration", "searched")}
    if isinstance(value, list):
        return [normalize(v, pids, key) for v in value]
    if key == "addr":
        return "ADDR" if value else 0
    if key in ("pid", "duration") or ID_KEY.search(key):
        return "N" if isinstance(value, int) else value
    if isinstance(value, str):
        if value.startswith("nothing found holding it"):
            value = re.sub(r"\d+", "N", value)
        value = re.sub(r"(map|prog|btf|link)#\d+", r"\1#N", value)
        value = re.sub(r"0x[0-9a-f]{5,}", "ADDR", value)
        value = re.sub(r"\d+ ns\b", "N ns", value)
        value = NOTE_NUMBER.sub(r"\1 N", value)
        for pid in pids:
            value = value.replace(str(pid), "PID")
    return value


def json_trace_threads(text):
    """A JSON trace as per-thread sequences of normalized calls (a thread's
    process end last) and the summary, threads ordered by what they did.
    Calls shown unfinished and later whole count once."""
    keep_json_sample(text)
    objs = [json.loads(line) for line in text.splitlines()]
    pids = {o[k] for o in objs for k in ("pid", "tid") if isinstance(o.get(k), int)}
    threads, summary = {}, []
    for o in objs:
        kind = o.get("type")
        if kind == "summary":
            summary.append(normalize(o, pids))
        elif kind == "process" and o["event"] == "exit":
            threads.setdefault(o["pid"], []).append(normalize(o, pids))
        elif kind in ("header", "message", "process"):
            continue  # the backend and its warnings differ; forks and execs are seen differently
        else:
            threads.setdefault(o["tid"], []).append(normalize(o, pids))
    ordered = sorted(threads.values(), key=lambda seq: (json.dumps(seq[0], sort_keys=True), len(seq)))
    return ordered + [sorted(summary, key=lambda x: json.dumps(x, sort_keys=True))]


def differences(a, b, path=()):
    """The paths at which two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from differences(a.get(k), b.get(k), path + (k,))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, path + (i,))
    elif a != b:
        yield path


def test_compare(args, tmp):
    """The same workload traced by --backend=ptrace and --backend=seccomp
    gives the same JSON trace, addresses, ids, pids and durations aside.
    What varies from one run to the next whatever traces it (a hash map's
    walk order, the interleaving of threads) is found by tracing the
    workload more than once with each backend: only there may the two
    backends' traces differ. A difference that is not yet known to vary
    gets another run of each backend (up to four) to show whether it does."""
    program = os.path.abspath(args.program)
    runs = {"ptrace": [], "seccomp": []}

    def trace_once(backend):
        n = len(runs["ptrace"]) + len(runs["seccomp"])
        log, out = os.path.join(tmp, f"{n}.log"), os.path.join(tmp, f"{n}.json")
        argv = [a.replace("{log}", log) for a in args.program_args]
        rc, _, err = run([args.tracer, f"--backend={backend}", "--format=json", "-o", out] + args.tracer_arg +
                         [program] + argv,
                         what=f"bpftrace-syscalls --backend={backend}")
        remove_leftovers(log)
        if exit_status(rc) != args.status:
            raise Failure(f"--backend={backend}: status {exit_status(rc)}, not {args.status}: {err.strip()}")
        with open(out) as f:
            threads = json_trace_threads(f.read())
        shape = [len(seq) for seq in threads]
        first = (runs["ptrace"] or [threads])[0]
        if shape != [len(seq) for seq in first]:
            raise Failure(f"--backend={backend}: threads of {shape} calls, the first ptrace run "
                          f"{[len(seq) for seq in first]}")
        runs[backend].append(threads)

    def unexplained():
        noise = set()
        for same in runs.values():
            for other in same[1:]:
                noise |= {(t, c) + p for t, seq in enumerate(same[0]) for c, obj in enumerate(seq)
                          for p in differences(obj, other[t][c])}
        ptrace, seccomp = runs["ptrace"][0], runs["seccomp"][0]
        for t, seq in enumerate(ptrace):
            for c, obj in enumerate(seq):
                for p in differences(obj, seccomp[t][c]):
                    if (t, c) + p not in noise:
                        return (t, c, p, obj, seccomp[t][c]), noise
        return None, noise

    for backend in ("ptrace", "ptrace", "seccomp", "seccomp"):
        trace_once(backend)
    for attempt in range(4):
        diff, noise = unexplained()
        if diff is None:
            calls = sum(len(seq) for seq in runs["ptrace"][0])
            print(f"ok: {calls} calls, process ends and summary lines of {len(runs['ptrace'][0]) - 1} threads are "
                  f"the same under both backends ({len(noise)} values vary between runs of one backend too; "
                  f"{len(runs['ptrace'])} runs of each)")
            return
        if attempt < 3:
            trace_once("ptrace")
            trace_once("seccomp")
    t, c, p, a, b = diff
    raise Failure(f"thread {t}, call {c}: ptrace and seccomp differ at {'.'.join(map(str, p))}, in every run:\n"
                  f"  ptrace:  {json.dumps(a, sort_keys=True)[:1500]}\n"
                  f"  seccomp: {json.dumps(b, sort_keys=True)[:1500]}")


def require_seccomp_backend():
    if os.geteuid() != 0:
        skip("not root: the seccomp backend needs process events (CAP_NET_ADMIN) and tracepoints")


def cli_unknown_results(args, tmp):
    """Without the syscalls tracepoints, the result of a call the seccomp
    backend lets run in the tracee cannot be learnt: it is shown as
    `= ? <result unknown>` (JSON: unfinished, "end":"result_unknown"), and
    the trace says why once, at its start; calls the tracer runs itself
    still have theirs."""
    require_seccomp_backend()
    loop = args.bench_loop
    out = os.path.join(tmp, "trace")

    def traced(broker, *options):
        """The trace of 3 calls without the tracepoints, and the status."""
        os.environ.update(BPFSC_SECCOMP_TRACEPOINTS="0", BPFSC_SECCOMP_BROKER=broker)
        try:
            rc, _, err = run([args.tracer, "--backend=seccomp", *options, "-o", out, loop, "3"], timeout=20)
        finally:
            del os.environ["BPFSC_SECCOMP_TRACEPOINTS"], os.environ["BPFSC_SECCOMP_BROKER"]
        with open(out) as f:
            return rc, err, f.read()

    for broker, unknown in (("0", 4), ("1", 0)):
        rc, err, text = traced(broker, "-q")
        shown = text.count(" = ? <result unknown>")
        said = text.count("bpftrace-syscalls: results of calls the tracer does not run itself are unknown")
        if rc != 0 or shown != unknown or said != 1:
            raise Failure(f"BPFSC_SECCOMP_BROKER={broker}: status {rc}, {shown} unknown results (expected {unknown}), "
                          f"stderr {err!r}:\n{text}")
        # In JSON: a message record after the header, and each unknown
        # result a call that did not finish, with the reason.
        rc, err, records = traced(broker, "--format=json")
        trace = parse_tracer_json(records)
        first = [json.loads(line) for line in records.splitlines()[:2]]
        if (rc != 0 or trace.never_returned != unknown or first[1].get("type") != "message"
                or "does not run itself are unknown" not in first[1].get("text", "")):
            raise Failure(f"BPFSC_SECCOMP_BROKER={broker}, JSON: status {rc}, {trace.never_returned} unknown results "
                          f"(expected {unknown}), first records {first}")
        print(f"ok: BPFSC_SECCOMP_BROKER={broker}: {unknown} of 4 bpf() calls shown with an unknown result")


def cli_relative_pin(args, tmp):
    """A relative pin path means what it means from the tracee's directory:
    the seccomp backend runs the pin itself when the tracee's cwd is the
    tracer's, and lets the tracee run it when it is not; either way the pin
    lands where the program meant it."""
    require_seccomp_backend()
    require_bpf()
    if shutil.which("bpftool") is None:
        skip("bpftool is not installed")
    os.environ["BPFSC_SECCOMP_STATS"] = "1"
    name = f"bpfsc-relative-{os.getpid()}"
    create = f"bpftool map create {name} type array key 4 value 4 entries 1 name relative"
    for where, argv, ran_by_tracee in (("the tracer's", ["sh", "-c", create], 0),
                                       ("another", ["sh", "-c", f"cd /sys/fs/bpf && {create}"], 1)):
        rc, _, err = run([os.path.abspath(args.tracer), "--backend=seccomp", "-o", os.path.join(tmp, "trace")] + argv,
                         cwd="/sys/fs/bpf" if ran_by_tracee == 0 else "/")
        pin = os.path.join("/sys/fs/bpf", name)
        pinned = os.path.exists(pin)
        if pinned:
            os.unlink(pin)
        _, reasons, _ = seccomp_stats(err)
        left = reasons.get("a relative path from another directory", 0)
        if rc != 0 or not pinned or left != ran_by_tracee:
            raise Failure(f"a relative pin from {where} directory: status {rc}, pinned {pinned}, "
                          f"left to the tracee {left} times (expected {ran_by_tracee}): {err}")
        print(f"ok: a relative pin from {where} directory lands at {pin}, run by the "
              f"{'tracee' if ran_by_tracee else 'tracer'}")


def cli_tracerpid(args, tmp):
    """Under the seccomp backend nothing ptraces the program: a program that
    reads its own TracerPid sees 0 (and under ptrace, the tracer); auto
    picks seccomp here."""
    require_seccomp_backend()
    for backend, zero in (("seccomp", True), ("auto", True), ("ptrace", False)):
        rc, out, err = run([args.tracer, f"--backend={backend}", "-o", os.path.join(tmp, "trace"),
                            "grep", "TracerPid", "/proc/self/status"], timeout=20)
        m = re.fullmatch(r"TracerPid:\s+(\d+)\n", out)
        if rc != 0 or not m:
            raise Failure(f"--backend={backend}: grep TracerPid /proc/self/status: status {rc}, {out!r} {err!r}")
        if (m.group(1) == "0") != zero:
            raise Failure(f"--backend={backend}: the program sees TracerPid {m.group(1)}")
        print(f"ok: --backend={backend}: TracerPid {m.group(1)}")


# --- the command line ----------------------------------------------------------

def expect_one_line_error(args, tmp, argv, what, marker):
    rc, out, err = run(tracer_cmd(args) + argv, timeout=20, what=what)
    problems = []
    if rc == 0:
        problems.append("it exits with 0")
    if rc < 0:
        problems.append(f"it was killed by signal {-rc}")
    if err.count("\n") != 1 or not err.endswith("\n") or not err.strip():
        problems.append(f"stderr is not exactly one line: {err!r}")
    if out:
        problems.append(f"it writes to stdout: {out!r}")
    if marker and os.path.exists(marker):
        problems.append("it ran the command anyway")
    if problems:
        raise Failure(f"{what} (bpftrace-syscalls {' '.join(argv)}): " + "; ".join(problems))
    print(f"ok: {what}: status {rc}: {err.strip()}")


def cli_help(args, tmp):
    rc, out, err = run([args.tracer, "--help"], timeout=20)
    if rc != 0:
        raise Failure(f"--help exits with {rc}")
    for opt in ("-o", "-p", "-s", "--format"):
        if not re.search(r"(^|[\s,\[])" + re.escape(opt) + r"([\s,=\]]|$)", out):
            raise Failure(f"--help does not mention {opt}:\n{out}")
    if err:
        raise Failure(f"--help writes to stderr: {err!r}")


def cli_version(args, tmp):
    rc, out, err = run([args.tracer, "--version"], timeout=20)
    rc2, out2, _ = run([args.tracer, "-V"], timeout=20)
    want = f"bpftrace-syscalls {args.version}\n" if args.version else None
    if rc != 0 or rc2 != 0 or out != out2:
        raise Failure(f"--version/-V: status {rc}/{rc2}, output {out!r}/{out2!r}")
    if not re.fullmatch(r"bpftrace-syscalls \d+\.\d+\.\d+\S*\n", out) or (want and out != want):
        raise Failure(f"--version prints {out!r}, expected {want or 'bpftrace-syscalls X.Y.Z'!r}")


def cli_errors(args, tmp):
    marker = os.path.join(tmp, "ran")
    touch = ["touch", marker]
    expect_one_line_error(args, tmp, ["--no-such-option"] + touch, "an unknown option", marker)
    expect_one_line_error(args, tmp, ["/nonexistent"], "a missing command", None)
    script = os.path.join(tmp, "not-executable")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\ntouch {marker}\n")
    os.chmod(script, 0o644)
    expect_one_line_error(args, tmp, [script], "a non-executable file", marker)
    pid = 999999
    while os.path.exists(f"/proc/{pid}"):
        pid += 1
    expect_one_line_error(args, tmp, ["-p", str(pid)], f"-p {pid} (no such process)", None)
    expect_one_line_error(args, tmp, ["-o", "/nonexistent-dir/x"] + touch, "-o in a missing directory", marker)
    expect_one_line_error(args, tmp, ["--backend=seccomp", "-p", str(os.getpid())], "-p with --backend=seccomp", None)
    expect_one_line_error(args, tmp, ["--backend=bogus"] + touch, "an unknown backend", marker)


def cli_exit_status(args, tmp):
    for script, want, end in (("exit 7", 7, "+++ exited with 7 +++"), ("kill -9 $$", 137, "+++ killed by SIGKILL +++")):
        out = os.path.join(tmp, "trace")
        rc, _, err = run(tracer_cmd(args) + ["-o", out, "sh", "-c", script], timeout=20)
        if exit_status(rc) != want:
            raise Failure(f"bpftrace-syscalls sh -c '{script}' exits with {exit_status(rc)}, not {want}: {err}")
        with open(out) as f:
            text = f.read()
        if text.strip() != end:
            raise Failure(f"the trace of sh -c '{script}' is {text!r}, not {end!r}")
        print(f"ok: sh -c '{script}': {want}")


def cli_output_errors(args, tmp):
    """A trace that cannot be written (-o /dev/full, stderr on /dev/full):
    said once on stderr with the path and the error, the program runs to
    its end untouched, and the exit status says the trace is incomplete (1
    where the program succeeded, else the program's own)."""
    for argv, stderr_to, want in (([ "-o", "/dev/full", args.bench_loop, "200"], None, 1),
                                  ([args.bench_loop, "200"], "/dev/full", 1),
                                  (["-o", "/dev/full", "sh", "-c", f"{args.bench_loop} 200; exit 3"], None, 3)):
        with open(stderr_to or os.path.join(tmp, "stderr"), "w") as err_file:
            p = subprocess.run(tracer_cmd(args) + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=err_file, text=True, timeout=RUN_TIMEOUT)
        what = " ".join(argv) + (f" 2>{stderr_to}" if stderr_to else "")
        if exit_status(p.returncode) != want:
            raise Failure(f"bpftrace-syscalls {what} exits with {exit_status(p.returncode)}, not {want}")
        if stderr_to is None:
            with open(os.path.join(tmp, "stderr")) as f:
                err = f.read()
            said = err.count("cannot write the trace to /dev/full: No space left on device")
            if said != 1 or "is incomplete" not in err:
                raise Failure(f"bpftrace-syscalls {what}: the write error is said {said} times, not once, "
                              f"or the end does not say the trace is incomplete:\n{err}")
        print(f"ok: {what}: status {want}")


def wait_for(condition, timeout, what):
    """Polls a condition until it holds (the wait is for a state, not a time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise Failure(f"timed out after {timeout} s waiting for {what}")


def proc_status(pid, tid=None):
    path = f"/proc/{pid}/task/{tid}/status" if tid else f"/proc/{pid}/status"
    try:
        with open(path) as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return None


def gone(pid):
    s = proc_status(pid)
    return s is None or s["State"].startswith(("Z", "X"))


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def cli_sigterm(args, tmp):
    """A SIGTERM sent to the tracer alone is passed on: sleep dies of it."""
    out = os.path.join(tmp, "trace")
    p = subprocess.Popen(tracer_cmd(args) + ["-o", out, "sleep", "30"], stdin=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True, text=True)
    try:
        def sleeping():
            try:
                kids = children(p.pid)
                if kids and os.path.basename(os.readlink(f"/proc/{kids[0]}/exe")).startswith("sleep"):
                    return kids[0]
            except OSError:
                pass
            return None
        child = wait_for(sleeping, 10, "the traced sleep to start")
        started = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise Failure(f"the tracer is still running 5 s after SIGTERM:\n{describe_group(p.pid)}")
        wait_for(lambda: gone(child), 5, f"the traced sleep ({child}) to end")
        rc = exit_status(p.returncode)
        if rc != 143:
            raise Failure(f"the tracer exits with {rc}, not 143 (sleep killed by SIGTERM)")
        print(f"ok: both ended within {time.monotonic() - started:.2f} s, status {rc}")
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def cli_tracer_death(args, tmp):
    """If the seccomp backend's tracer dies (SIGKILL), the programs it traced
    die with it, grandchildren too, instead of running on with every bpf()
    call failing (ENOSYS)."""
    require_seccomp_backend()
    out = os.path.join(tmp, "trace")
    p = subprocess.Popen([args.tracer, "--backend=seccomp", "-o", out, "sh", "-c", "sleep 30 & sleep 30 & wait"],
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, text=True)
    try:
        def started():
            shells = [c for c in children(p.pid) if os.path.basename(os.readlink(f"/proc/{c}/exe")) in ("sh", "dash", "bash")]
            sleeps = [g for s in shells for g in children(s)]
            return (shells + sleeps) if len(sleeps) == 2 else None
        traced = wait_for(started, 10, "the traced shell and its two sleeps to start")
        time.sleep(0.2)  # the tracer learns of the sleeps from their fork events
        p.kill()
        p.wait()
        wait_for(lambda: all(gone(pid) for pid in traced), 5, f"the traced processes {traced} to die with the tracer")
        print(f"ok: the tracer killed, so were the shell and both its children ({traced})")
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def contiguous_in(part, whole):
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def cli_attach(args, tmp):
    """-p PID on a running multi-threaded program; SIGINT detaches."""
    require_bpf()
    log = os.path.join(tmp, "loop.log")
    loop = subprocess.Popen([args.loop_program, "--loop", log], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            start_new_session=True, text=True)
    tracer = None
    try:
        ready, _, _ = select.select([loop.stdout], [], [], 10)
        if not ready or loop.stdout.readline() != "ready\n":
            raise Failure("the loop program did not start")
        tids = sorted(int(t) for t in os.listdir(f"/proc/{loop.pid}/task"))
        out = os.path.join(tmp, "trace")
        tracer = subprocess.Popen([args.tracer, "-o", out, "-p", str(loop.pid)], stdin=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, start_new_session=True, text=True)

        def calls_traced():
            if tracer.poll() is not None:
                raise Failure(f"the tracer ended on its own: status {tracer.returncode}: {tracer.stderr.read()}")
            with open(out, errors="replace") as f:
                return f.read().count("bpf(") >= 60
        wait_for(lambda: os.path.exists(out) and calls_traced(), 15, "the attached tracer to trace 60 calls")
        tracer.send_signal(signal.SIGINT)
        try:
            tracer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise Failure(f"the tracer did not detach within 10 s of SIGINT:\n{describe_group(tracer.pid)}")
        err = tracer.stderr.read()
        if tracer.returncode != 0:
            raise Failure(f"the tracer exits with {exit_status(tracer.returncode)} after detaching: {err}")
        if loop.poll() is not None:
            raise Failure(f"the traced program ended (status {exit_status(loop.returncode)}) instead of running on")
        for tid in tids:
            st = proc_status(loop.pid, tid)
            if st is None or st["TracerPid"] != "0":
                raise Failure(f"thread {tid} after the detach: {st and st['TracerPid']!r} is its TracerPid")
        # It runs on, and its calls still work (a failed call ends it).
        size = os.path.getsize(log)
        wait_for(lambda: os.path.getsize(log) > size + 1000, 10, "the detached program to go on calling")
        if loop.poll() is not None:
            raise Failure(f"the detached program ended with status {exit_status(loop.returncode)}")

        with open(out, errors="replace") as f:
            trace = parse_tracer_text(f.read(), loop.pid, attached=True)
        logged, _ = parse_log(log)
        if len(trace.seqs) != len(tids):
            raise Failure(f"the trace shows calls of {len(trace.seqs)} threads ({sorted(trace.seqs)}), "
                          f"the program has {len(tids)} ({tids}), all calling")
        for tid, seq in trace.seqs.items():
            if not contiguous_in(seq, logged.get(tid, [])):
                raise Failure(f"thread {tid}: the {len(seq)} traced calls are not a stretch of its log "
                              f"({len(logged.get(tid, []))} calls): {show(seq, 0)}")
        print(f"ok: {sum(map(len, trace.seqs.values()))} calls of {len(tids)} threads traced; detached, running on")
    finally:
        if tracer is not None and tracer.poll() is None:
            os.killpg(tracer.pid, signal.SIGKILL)
            tracer.wait()
        loop.kill()
        loop.wait()


def cli_times(args, tmp):
    """-t, -tt, -ttt, -r and -T as strace prints them, under both backends:
    every line (calls, fd calls, process ends) starts with its time, times
    never go back, every completed call's line ends with <seconds>, and all
    of it fits in the time the run took; the JSON's ts and durations agree."""
    loop = args.bench_loop
    out = os.path.join(tmp, "trace")
    clock = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{6}) ")
    duration = re.compile(r" <(\d+)\.(\d{6})>$")
    backends = ["ptrace"]
    if os.geteuid() == 0:
        require_seccomp_backend()
        backends.append("seccomp")
    for backend in backends:
        def traced(*options, fmt="text"):
            started = time.time()
            rc, _, err = run([args.tracer, f"--backend={backend}", "-q", *options, "-o", out]
                             + (["--format=json"] if fmt == "json" else []) + [loop, "20"], timeout=60)
            elapsed = time.time() - started
            if rc != 0:
                raise Failure(f"{backend} {options}: status {rc}: {err}")
            with open(out) as f:
                return f.read(), started, elapsed
        text, started, elapsed = traced("-tt", "-T")
        lines = text.splitlines()
        previous, spent, calls = None, 0.0, 0
        for line in lines:
            m = clock.match(line)
            if not m:
                raise Failure(f"{backend} -tt: a line without its time of day: {line!r}")
            h, mi, sec, us = map(int, m.groups())
            t = h * 3600 + mi * 60 + sec + us / 1e6
            if previous is not None and t < previous - 1e-6:
                raise Failure(f"{backend} -tt: time goes back at {line!r}")
            previous = t
            if " = " in line and not line.endswith("+++"):
                d = duration.search(line)
                if not d:
                    raise Failure(f"{backend} -T: a call without the time spent in it: {line!r}")
                spent += int(d.group(1)) + int(d.group(2)) / 1e6
                calls += 1
        day = time.localtime(started)
        first = clock.match(lines[0]).groups()
        first_s = int(first[0]) * 3600 + int(first[1]) * 60 + int(first[2]) + int(first[3]) / 1e6
        start_s = day.tm_hour * 3600 + day.tm_min * 60 + day.tm_sec + (started % 1)
        if not (start_s - 1 <= first_s <= start_s + elapsed + 1):
            raise Failure(f"{backend} -tt: the first line is at {lines[0][:15]}, the run began at {start_s:.6f}s of the day")
        if calls < 20 or spent > elapsed:
            raise Failure(f"{backend} -T: {calls} calls spent {spent:.6f}s in a run of {elapsed:.6f}s")

        text, started, elapsed = traced("-r")
        deltas = []
        for line in text.splitlines():
            m = re.match(r"^ *(\d+)\.(\d{6}) \S", line)
            if not m:
                raise Failure(f"{backend} -r: a line without its relative time: {line!r}")
            deltas.append(int(m.group(1)) + int(m.group(2)) / 1e6)
        if deltas[0] != 0 or sum(deltas) > elapsed:
            raise Failure(f"{backend} -r: the first line at {deltas[0]}, {sum(deltas):.6f}s in all of {elapsed:.6f}s")

        text, started, elapsed = traced("-ttt")
        stamps = [float(line.split(" ", 1)[0]) for line in text.splitlines()]
        if not (started - 1 <= stamps[0] <= stamps[-1] <= started + elapsed + 1):
            raise Failure(f"{backend} -ttt: times {stamps[0]}..{stamps[-1]} outside the run {started}+{elapsed}")

        text, started, elapsed = traced(fmt="json")
        trace = parse_tracer_json(text)
        records = [json.loads(line) for line in text.splitlines()]
        header = records[0]
        begun = datetime.datetime.strptime(header["start_time"][:26] + "Z", "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
        if not started - 1 <= begun <= started + 1:
            raise Failure(f"{backend} JSON: the header's start_time {header['start_time']} is not when the run began")
        last = 0.0
        for r in records:
            if r["type"] not in ("call", "syscall", "process", "message"):
                continue
            if not 0 <= r["ts"] <= elapsed or (r["type"] == "call" and r["ts"] < last - 1e-9):
                raise Failure(f"{backend} JSON: ts {r['ts']} out of order or outside the run ({elapsed:.6f}s): {r}")
            if r["type"] == "call":
                last = r["ts"]
                if r["finished"] and not 0 <= r["duration"] <= elapsed:
                    raise Failure(f"{backend} JSON: a call's duration {r['duration']} in a run of {elapsed:.6f}s")
        print(f"ok: {backend}: -tt -T ({calls} calls), -r, -ttt and the JSON's times "
              f"({sum(map(len, trace.seqs.values()))} calls) agree with a run of {elapsed:.3f}s")


CLI = {"help": cli_help, "version": cli_version, "errors": cli_errors, "exit-status": cli_exit_status,
       "sigterm": cli_sigterm, "attach": cli_attach, "tracerpid": cli_tracerpid, "tracer-death": cli_tracer_death,
       "unknown-results": cli_unknown_results, "relative-pin": cli_relative_pin,
       "output-errors": cli_output_errors, "times": cli_times}


MODES = {"trace": test_trace, "strace": test_strace, "bpftool": test_bpftool, "fdmodel": test_fdmodel,
         "hostile": test_hostile, "hostile-btf": test_hostile_btf, "unprivileged": test_unprivileged, "killed": test_killed, "compare": test_compare,
         "lives": test_lives, "signals": test_signals}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracer", required=True, help="the bpftrace-syscalls binary")
    ap.add_argument("--strace", default=shutil.which("strace") or "strace")
    ap.add_argument("--backend", choices=["ptrace", "seccomp", "auto"],
                    help="run the tracer with --backend=B (default: its own default)")
    ap.add_argument("--version", help="the version --version must print")
    ap.add_argument("--loop-program", help="bpf_threads, for --cli attach")
    ap.add_argument("--bench-loop", help="bench/bpf_loop, for --cli unknown-results")
    ap.add_argument("--cli", choices=sorted(CLI), help="a command-line case")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--status", type=int, default=0, help="compare: the exit status the workload ends with")
    ap.add_argument("--tracer-arg", action="append", default=[], help="compare: an option for both tracers")
    ap.add_argument("mode", nargs="?", choices=sorted(MODES))
    ap.add_argument("program", nargs="?")
    ap.add_argument("program_args", nargs=argparse.REMAINDER,
                    help="compare: the program's arguments ({log}: a log file)")
    args = ap.parse_args()
    if not args.cli and not (args.mode == "bpftool" or (args.mode and args.program)):  # fdmodel needs PROGRAM
        ap.error("give --cli CASE, bpftool, or trace|strace PROGRAM")

    if not args.cli:
        require_bpf(strace=args.mode in ("strace", "bpftool"))
    tmp = tempfile.mkdtemp(prefix="bpfsc-integ-")
    keep = args.keep
    try:
        if args.cli:
            CLI[args.cli](args, tmp)
        else:
            MODES[args.mode](args, tmp)
    except Failure as e:
        print(f"FAIL: {e}")
        print(f"(files kept in {tmp})")
        keep = True
        return 1
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
