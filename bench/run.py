#!/usr/bin/env python3
"""Benchmark: bare vs `strace -f -e trace=bpf` vs bpftrace-syscalls, in one run.

Workloads: bench/bpf_loop N (N bpf() map lookups) and bench/syscall_loop N
(N getppid() calls, none of them bpf). Each configuration runs REPEAT times;
the best wall time is reported, with the ratio to bare and the per-call cost.
The tracer's peak memory (VmHWM) is reported for a short and a long trace,
to show it stays flat in the length of a trace. Output goes to /dev/null.

Usage: bench/run.py [BUILD_DIR]   (default: build)
"""
import os
import shutil
import subprocess
import sys
import threading
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
TRACER = os.path.join(BUILD, "tracer", "bpftrace-syscalls")
BPF_LOOP = os.path.join(BUILD, "bench", "bpf_loop")
SYSCALL_LOOP = os.path.join(BUILD, "bench", "syscall_loop")
FILTER_ONLY = os.path.join(BUILD, "bench", "filter_only")
REPEAT = 3


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def best(argv):
    return min(timed(argv) for _ in range(REPEAT))


def peak_rss_kib(argv):
    """Runs argv and samples its VmHWM (a high-water mark: the last sample is the peak so far)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0

    def sample():
        nonlocal peak
        path = f"/proc/{proc.pid}/status"
        while proc.poll() is None:
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                break
            time.sleep(0.005)

    t = threading.Thread(target=sample)
    t.start()
    proc.wait()
    t.join()
    return peak


def main():
    for path in (TRACER, BPF_LOOP, SYSCALL_LOOP, FILTER_ONLY):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: build first (ninja -C {BUILD})")
    strace = shutil.which("strace")
    ours = [TRACER, "-o", "/dev/null"]
    theirs = [strace, "-f", "-e", "trace=bpf", "-o", "/dev/null"] if strace else None

    rows = []
    for name, prog, n in (("bpf() calls", BPF_LOOP, 100_000), ("other syscalls", SYSCALL_LOOP, 1_000_000)):
        cmd = [prog, str(n)]
        bare = best(cmd)
        st = best(theirs + cmd) if theirs else float("nan")
        us = best(ours + cmd)
        rows.append((f"{n:,} {name}", bare, st, us, n))

    print(f"{'workload':<26}{'bare s':>9}{'strace s':>10}{'ours s':>9}{'strace/bare':>13}{'ours/bare':>11}"
          f"{'strace us/call':>16}{'ours us/call':>14}")
    for label, bare, st, us, n in rows:
        print(f"{label:<26}{bare:>9.3f}{st:>10.3f}{us:>9.3f}{st / bare:>13.2f}{us / bare:>11.2f}"
              f"{(st - bare) / n * 1e6:>16.2f}{(us - bare) / n * 1e6:>14.2f}")

    short = peak_rss_kib(ours + [BPF_LOOP, "1000"])
    long = peak_rss_kib(ours + [BPF_LOOP, "1000000"])
    # Where the cost of other syscalls comes from: the same filter, no tracer.
    n = 1_000_000
    bare = best([SYSCALL_LOOP, str(n)])
    filtered = best([FILTER_ONLY, SYSCALL_LOOP, str(n)])
    print(f"\n{n:,} other syscalls under the tracer's seccomp filter alone (no tracer): "
          f"{filtered:.3f} s vs {bare:.3f} s bare = {filtered / bare:.2f}x, "
          f"{(filtered - bare) / n * 1e9:.0f} ns/call: the kernel's seccomp entry path")

    print(f"\ntracer peak memory (VmHWM): {short} KiB for 1,000 bpf() calls, {long} KiB for 1,000,000")


if __name__ == "__main__":
    main()
