#!/usr/bin/env python3
"""Benchmark: bare vs `strace -f -e trace=bpf` vs bpftrace-syscalls with each
backend (ptrace, seccomp), in one run.

Workloads: bench/bpf_loop N (N bpf() map lookups) and bench/syscall_loop N
(N getppid() calls, none of them bpf). Each configuration runs REPEAT times;
the best wall time is reported, with the ratio to bare and the per-call cost.
The seccomp backend is also timed with BPFSC_SECCOMP_BROKER=0 (every call
runs in the tracee, its result read from the syscall tracepoints) to show
what running calls in the tracer buys. The tracer's peak memory (VmHWM) is
reported for a short and a long trace of each backend, to show it stays
flat in the length of a trace. Output goes to /dev/null.

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


def timed(argv, env=None):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, **(env or {})))
    return time.perf_counter() - start


def best(argv, env=None):
    return min(timed(argv, env) for _ in range(REPEAT))


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
    tracers = [("strace -f -e trace=bpf", [strace, "-f", "-e", "trace=bpf", "-o", "/dev/null"] if strace else None, None),
               ("ours, --backend=ptrace", [TRACER, "--backend=ptrace", "-o", "/dev/null"], None),
               ("ours, --backend=seccomp", [TRACER, "--backend=seccomp", "-o", "/dev/null"], None),
               ("ours, seccomp, calls let run", [TRACER, "--backend=seccomp", "-o", "/dev/null"],
                {"BPFSC_SECCOMP_BROKER": "0"})]

    print(f"{'workload':<26}{'traced by':<32}{'seconds':>9}{'x bare':>9}{'us/call':>10}")
    for name, prog, n in (("bpf() calls", BPF_LOOP, 100_000), ("other syscalls", SYSCALL_LOOP, 1_000_000)):
        cmd = [prog, str(n)]
        bare = best(cmd)
        print(f"{f'{n:,} {name}':<26}{'(bare)':<32}{bare:>9.3f}{1:>9.2f}{0:>10.2f}")
        for label, argv, env in tracers:
            if argv is None:
                continue
            t = best(argv + cmd, env)
            print(f"{'':<26}{label:<32}{t:>9.3f}{t / bare:>9.2f}{(t - bare) / n * 1e6:>10.2f}")

    memory = []
    for backend in ("ptrace", "seccomp"):
        ours = [TRACER, f"--backend={backend}", "-o", "/dev/null"]
        memory.append((backend, peak_rss_kib(ours + [BPF_LOOP, "1000"]), peak_rss_kib(ours + [BPF_LOOP, "1000000"])))
    # Where the cost of other syscalls comes from: the same filter, no tracer.
    n = 1_000_000
    bare = best([SYSCALL_LOOP, str(n)])
    filtered = best([FILTER_ONLY, SYSCALL_LOOP, str(n)])
    print(f"\n{n:,} other syscalls under the tracer's seccomp filter alone (no tracer): "
          f"{filtered:.3f} s vs {bare:.3f} s bare = {filtered / bare:.2f}x, "
          f"{(filtered - bare) / n * 1e9:.0f} ns/call: the kernel's seccomp entry path")

    for backend, short, long in memory:
        print(f"{'' if backend == 'seccomp' else chr(10)}tracer peak memory (VmHWM), --backend={backend}: "
              f"{short} KiB for 1,000 bpf() calls, {long} KiB for 1,000,000")


if __name__ == "__main__":
    main()
