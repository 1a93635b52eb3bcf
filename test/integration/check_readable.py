#!/usr/bin/env python3
"""The trace as a reader meets it, on real workloads: whose line each line
is, which processes end in the trace, one file per process.

    check_readable.py --tracer BIN sticky-prefix  bpf_fork_exec
    check_readable.py --tracer BIN exit-lines     bpf_fork_exec
    check_readable.py --tracer BIN split-files    bpf_fork_exec
    check_readable.py --tracer BIN colour         bpf_all_commands

sticky-prefix: once a second process has been traced, every line carries
`[pid N]`, also the parent's lines after its children are gone; the fork
child's table of inherited fds is one line (whole with -v).
exit-lines: under `sh -c`, the /bin/true children (no traced call) end
silently, the processes that made calls and the shell (COMMAND) show
`+++ exited with N +++`; with -v every process does.
split-files: `-ff -o BASE` writes BASE.PID for COMMAND and for each process
with a traced call, no other file; each file holds its process's calls
exactly (compared with the program's own log), no `[pid N]` on a main
thread's lines; the end-of-trace tables are in COMMAND's file; with
--format=json every file is a JSON trace of its own, header first.
colour: --color=always colours command names, errors, labels, notes and a
failed load's verdict, and is otherwise the plain trace; auto colours a
terminal (a pseudo-terminal here) unless NO_COLOR is set or TERM=dumb,
never a file; never is never; JSON refuses always.

Exit status 0 pass, 1 fail, 77 skip (not under CI=true).
"""

import argparse
import glob
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_trace import (Failure, compare_threads, parse_log, parse_tracer_json, parse_tracer_text,  # noqa: E402
                         remove_leftovers, require_bpf, run, exit_status)

PREFIX = re.compile(r"^\[pid (\d+)\] ")


def traced(args, tmp, name, extra, program_argv):
    """The tracer's text trace of program_argv (-o FILE), and its exit status."""
    out = os.path.join(tmp, name + ".trace")
    rc, _, err = run([args.tracer, "-o", out] + extra + program_argv, what="bpftrace-syscalls")
    if err:
        print(f"bpftrace-syscalls ({name}) stderr:\n{err}")
    with open(out, errors="replace") as f:
        return exit_status(rc), f.read()


def body(text):
    """The trace's lines up to the end-of-trace tables, data and notes left out."""
    lines = []
    for line in text.splitlines():
        if line.startswith("--- "):
            break
        if not line.startswith("  "):
            lines.append(line)
    return lines


def exits(lines):
    """The pids of the `+++ exited with N +++` lines, in order (0: no prefix)."""
    found = []
    for line in lines:
        m = re.fullmatch(r"(?:\[pid (\d+)\] )?\+\+\+ exited with \d+ \+\+\+", line)
        if m:
            found.append(int(m.group(1) or 0))
    return found


def sticky_prefix(args, tmp):
    log = os.path.join(tmp, "run.log")
    rc, text = traced(args, tmp, "run", [], [args.program, log])
    _, main_tid = parse_log(log)
    remove_leftovers(log)
    if rc != 0:
        raise Failure(f"the traced program exits with {rc}")
    lines = body(text)
    first = next((i for i, line in enumerate(lines) if PREFIX.match(line)), None)
    if first is None:
        raise Failure("no line carries [pid N], though the program forks")
    bare = [line for line in lines[first:] if not PREFIX.match(line)]
    if bare:
        raise Failure(f"after the first [pid N], {len(bare)} lines have none: {bare[:3]}")
    # The parent's own calls after a child ended: where a prefix that comes
    # and goes with the number of processes would vanish.
    child_exit = next(i for i, line in enumerate(lines) if "+++ exited" in line and
                      not line.startswith(f"[pid {main_tid}] "))
    if not any(line.startswith(f"[pid {main_tid}] bpf(") for line in lines[child_exit + 1:]):
        raise Failure("no call of the parent after a child's exit: the workload does not test what it should")
    print(f"ok: {len(lines) - first} lines from the first fork on, all with [pid N], "
          "also the parent's after its children ended")
    # The fork child only inherited the map's fd and had it closed at its
    # exit: its table is one line (the parent's names the map), whole with -v.
    collapsed = re.compile(r"^--- fds of pid (\d+): 1 fd inherited by fork \(4\), all closed at exit ---$", re.M)
    m = collapsed.search(text)
    if not m:
        raise Failure(f"the fork child's fd table is not one line:\n{text[text.find('--- fds'):]}")
    rc, verbose = traced(args, tmp, "verbose", ["-v"], [args.program, log])
    remove_leftovers(log)
    if collapsed.search(verbose) or not re.search(rf"^--- fds of pid \d+ ---\n  fd 4 .* opened by fork +closed at exit$",
                                                   verbose, re.M):
        raise Failure(f"-v does not show the fork child's whole fd table:\n{verbose[verbose.find('--- fds'):]}")
    print("ok: the fork child's inherited fds are one summary line, its whole table with -v")


def exit_lines(args, tmp):
    log = os.path.join(tmp, "run.log")
    true = shutil.which("true") or "/bin/true"
    argv = ["/bin/sh", "-c", f'{true}; {true}; "$0" "$1"; {true}', args.program, log]
    rc, brief = traced(args, tmp, "brief", [], argv)
    remove_leftovers(log)
    if rc != 0:
        raise Failure(f"the traced shell exits with {rc}")
    os.unlink(log)
    rc, verbose = traced(args, tmp, "verbose", ["-v"], argv)
    remove_leftovers(log)
    lines = body(brief)
    callers = {int(m.group(1)) for m in map(PREFIX.match, lines) if m and "+++" not in m.string}
    brief_exits, verbose_exits = exits(lines), exits(body(verbose))
    # The shell, COMMAND, made no call and ends the trace; the /bin/true
    # children made none either and end silently, unless -v.
    silent = [pid for pid in brief_exits if pid not in callers]
    if silent != brief_exits[-1:]:
        raise Failure(f"exit lines of processes without a traced call {silent}: only the shell's, the last, "
                      f"belongs there:\n{brief}")
    if len(brief_exits) < 3:
        raise Failure(f"{len(brief_exits)} exit lines: the program's, its fork child's and the shell's expected")
    if len(verbose_exits) != len(brief_exits) + 3:
        raise Failure(f"-v shows {len(verbose_exits)} exit lines, the default {len(brief_exits)}: not the three "
                      "/bin/true children more")
    print(f"ok: {len(brief_exits)} exit lines by default (the shell and the processes that called bpf()), "
          f"{len(verbose_exits)} with -v")


def split_files(args, tmp):
    log = os.path.join(tmp, "run.log")
    base = os.path.join(tmp, "split")
    rc, _, err = run([args.tracer, "-ff", "-o", base, args.program, log], what="bpftrace-syscalls -ff")
    if exit_status(rc) != 0:
        raise Failure(f"bpftrace-syscalls -ff exits with {exit_status(rc)}: {err}")
    logged, main_tid = parse_log(log)
    remove_leftovers(log)
    files = sorted(glob.glob(base + ".*"), key=lambda p: int(p.rsplit(".", 1)[1]))
    if not os.path.exists(f"{base}.{main_tid}"):
        raise Failure(f"no {base}.{main_tid} for COMMAND's process: {files}")
    seqs = {}
    for path in files:
        pid = int(path.rsplit(".", 1)[1])
        with open(path, errors="replace") as f:
            text = f.read()
        trace = parse_tracer_text(text, pid)
        calls = sum(map(len, trace.seqs.values()))
        if calls == 0 and pid != main_tid:
            raise Failure(f"{path}: a file for a process that made no traced call")
        for tid, s in trace.seqs.items():
            seqs.setdefault(tid, []).extend(s)
        has_tables = "--- objects alive after the trace ---" in text
        if has_tables != (pid == main_tid):
            raise Failure(f"{path}: the end-of-trace tables belong in COMMAND's file only")
        if any(line.startswith(f"[pid {pid}] ") for line in text.splitlines()):
            raise Failure(f"{path}: the process's main thread's lines carry [pid {pid}]")
    compare_threads(logged, seqs, "the program's log", "the -ff files")
    print(f"ok: -ff: {len(files)} files, {sum(map(len, seqs.values()))} calls, each in its process's file")

    for path in files:
        os.unlink(path)
    rc, _, err = run([args.tracer, "-ff", "-o", base, "--format=json", args.program, log],
                     what="bpftrace-syscalls -ff --format=json")
    remove_leftovers(log)
    if exit_status(rc) != 0:
        raise Failure(f"bpftrace-syscalls -ff --format=json exits with {exit_status(rc)}: {err}")
    jfiles = glob.glob(base + ".*")
    if len(jfiles) != len(files):
        raise Failure(f"-ff JSON wrote {len(jfiles)} files, the text run {len(files)}")
    for path in jfiles:
        with open(path) as f:
            text = f.read()
        first = json.loads(text.splitlines()[0])
        if first.get("type") != "header":
            raise Failure(f"{path}: the first record is no header: {first}")
        parse_tracer_json(text)
    print(f"ok: -ff --format=json: {len(jfiles)} JSON traces, each with its header")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def normalised(text):
    """A trace with what changes from run to run (numbers, addresses) blanked."""
    return re.sub(r"\b[0-9a-f]{2}\b", "XX", re.sub(r"\d+", "N", re.sub(r"0x[0-9a-f]+", "ADDR", text)))


def on_terminal(argv, env):
    """argv run with its stderr (where the trace goes) on a pseudo-terminal:
    what it wrote there."""
    master, slave = pty.openpty()
    chunks = []

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=env, timeout=120)
    os.close(slave)
    reader.join(timeout=30)
    os.close(master)
    return p.returncode, b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")


def colour(args, tmp):
    log = os.path.join(tmp, "run.log")
    argv = [args.program, log]
    _, plain = traced(args, tmp, "plain", [], argv)
    remove_leftovers(log)
    _, always = traced(args, tmp, "always", ["--color=always"], argv)
    remove_leftovers(log)
    if ANSI.search(plain):
        raise Failure("a trace written to a file has colour without --color=always")
    spans = {"command": "\x1b[1mBPF_MAP_CREATE\x1b[0m", "error": "\x1b[31m-1 E", "label": "<\x1b[36mmap#",
             "note": "  \x1b[2m# ", "syscall": "\x1b[1mclose\x1b[0m("}
    missing = [name for name, span in spans.items() if span not in always]
    if missing:
        raise Failure(f"--color=always: no {missing} span in:\n{always[:2000]}")
    # bpf_all_commands loads a program the verifier rejects ("R0 !read_ok"),
    # with a log: the reason is painted, not the statistics after it.
    verdicts = re.findall(r"^    \x1b\[1;31m(.*)\x1b\[0m$", always, re.M)
    if len(verdicts) != always.count("\x1b[1;31m") or not verdicts or any(v.startswith("processed ") for v in verdicts):
        raise Failure(f"--color=always: the verifier's verdicts are not coloured as their own lines: {verdicts}")
    # (As a multiset of lines: a hash map's batch comes back in any order.)
    if sorted(normalised(ANSI.sub("", always)).splitlines()) != sorted(normalised(plain).splitlines()):
        raise Failure("--color=always with its colour taken out is not the plain trace")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
    env["TERM"] = "xterm"
    rc, tty = on_terminal([args.tracer, args.program, log], env)
    remove_leftovers(log)
    if rc != 0 or spans["command"] not in tty:
        raise Failure(f"--color=auto on a terminal: no colour (status {rc}):\n{tty[:1000]}")
    for name, value in (("NO_COLOR", "1"), ("TERM", "dumb")):
        rc, tty = on_terminal([args.tracer, args.program, log], dict(env, **{name: value}))
        remove_leftovers(log)
        if rc != 0 or ANSI.search(tty) or "BPF_MAP_CREATE" not in tty:
            raise Failure(f"--color=auto on a terminal with {name}={value}: coloured, or no trace (status {rc})")
    rc, tty = on_terminal([args.tracer, "--color=never", args.program, log], env)
    remove_leftovers(log)
    if ANSI.search(tty):
        raise Failure("--color=never on a terminal: coloured")
    rc, _, err = run([args.tracer, "--color=always", "--format=json", args.program, log])
    if exit_status(rc) != 2 or "JSON is never coloured" not in err:
        raise Failure(f"--color=always --format=json is no usage error: status {exit_status(rc)}, {err}")
    print("ok: colour: always into a file, auto on a terminal, none with NO_COLOR, TERM=dumb, never, in files "
          "and JSON; the coloured trace is the plain one with SGR spans")


MODES = {"sticky-prefix": sticky_prefix, "exit-lines": exit_lines, "split-files": split_files, "colour": colour}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracer", required=True)
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("program")
    args = ap.parse_args()
    require_bpf()
    tmp = tempfile.mkdtemp(prefix="bpfsc-readable-")
    try:
        MODES[args.mode](args, tmp)
    except Failure as e:
        print(f"FAIL: {e}")
        print(f"(files kept in {tmp})")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
