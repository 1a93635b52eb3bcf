// bpftrace-syscalls: traces every bpf() call of a program and its
// descendants and prints each one decoded. This file wires the parts
// together: options, output, launcher or attach, backend, session.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include <memory>

#include "tracer/cli/backend_choice.h"
#include "tracer/launch/launcher.h"
#include "tracer/cli/options.h"
#include "tracer/output/json_output.h"
#include "tracer/output/sink.h"
#include "tracer/output/split_output.h"
#include "tracer/output/text_output.h"
#include "tracer/ptrace/ptrace_backend.h"
#include "tracer/seccomp/seccomp_backend.h"
#include "tracer/session/session.h"
#include "tracer/os/tracer_signals.h"
#include "tracer/seccomp/watchdog.h"

using namespace bpfsc::tracer;

namespace {

void on_signal(int sig, siginfo_t* info, void*) {
    // A signal a process sent may have gone to the tracer alone (the
    // session asks signal_sightings.h); one from the terminal already
    // reached the program's process group.
    TracerSignals::sent = info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE || info->si_code == SI_TKILL);
    TracerSignals::sender = info != nullptr ? info->si_pid : 0;
    TracerSignals::pending = sig;
}

// A signal the tracer inherited ignored stays ignored (under nohup the
// tracer, like its program, outlives a hang-up).
void install_signal_handlers(const InheritedSignals& inherited) {
    struct sigaction sa {};
    sa.sa_sigaction = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;  // no SA_RESTART: waitpid returns so the loop sees the signal
    for (const int sig : {SIGINT, SIGTERM, SIGHUP})
        if (!inherited.ignored(sig)) sigaction(sig, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

int fail(const std::string& message) {
    fmt::print(stderr, "bpftrace-syscalls: {}\n", message);
    return 1;
}

// Everything the tracer does; every fd it opens is closed when this returns.
int trace(int argc, char** argv) {
    Options options;
    const ParseResult parsed = parse_options(argc, argv, options);
    if (parsed.action == ParseResult::Action::Exit) {
        std::fputs(parsed.message.c_str(), parsed.is_error ? stderr : stdout);
        return parsed.exit_code;
    }

    std::string error;
    std::string path;
    if (!options.command.empty()) {
        path = resolve_command(options.command[0], &error);
        if (path.empty()) return fail(error);
    }

    UniqueFd out_file;
    if (options.per_process_files) {
        // The files are made as processes appear: their directory must take them.
        const std::string probe = options.output_path + ".bpfsc-probe";
        UniqueFd test(open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (!test) return fail(fmt::format("cannot write -o {}.PID: {}", options.output_path, std::strerror(errno)));
        unlink(probe.c_str());
    } else if (!options.output_path.empty()) {
        out_file.reset(open(options.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!out_file) return fail(fmt::format("cannot write -o {}: {}", options.output_path, std::strerror(errno)));
    }
    Sink sink(std::move(out_file), options.output_path.empty() ? std::string("stderr") : options.output_path);
    const InheritedSignals inherited = InheritedSignals::capture();
    install_signal_handlers(inherited);

    RunInfo run;
    BackendKind kind = options.backend;
    if (kind == BackendKind::Auto) kind = choose_backend(options, &run.backend_reason);
    run.backend = kind == BackendKind::Seccomp ? "seccomp" : "ptrace";
    run.start = monotonic_now();
    run.start_realtime_ns = nanoseconds_of(CLOCK_REALTIME);
    std::unique_ptr<Backend> backend;
    Launcher launcher;
    Watchdog watchdog;
    pid_t main_pid = options.attach_pid;
    if (kind == BackendKind::Seccomp) {
        // If the tracer dies, the programs die with it (watchdog.h).
        if (!watchdog.start(&error)) return fail(error);
        auto seccomp = std::make_unique<SeccompBackend>();
        seccomp->set_watchdog(&watchdog);
        main_pid = launcher.start(path, options.command, FilterAction::UserNotify, inherited, &error);
        if (main_pid < 0) return fail(error);
        watchdog.guard(main_pid);
        if (!seccomp->prepare(main_pid, &error)) {
            kill(main_pid, SIGKILL);
            return fail("--backend=seccomp: " + error);
        }
        launcher.release();
        UniqueFd listener = launcher.receive_listener();
        if (!listener) {
            // The child sends the listener before it execs: it failed at the filter.
            waitpid(main_pid, nullptr, 0);
            const std::string why = launcher.exec_failure();
            return fail("--backend=seccomp: the program could not install its seccomp listener" +
                        (why.empty() ? std::string() : ": " + why));
        }
        if (!seccomp->start(std::move(listener), &error)) {
            kill(main_pid, SIGKILL);
            return fail("--backend=seccomp: " + error);
        }
        if (!seccomp->results_unavailable().empty())
            run.warnings.push_back("results of calls the tracer does not run itself are unknown: " +
                                   seccomp->results_unavailable());
        backend = std::move(seccomp);
    } else {
        auto ptrace = std::make_unique<PtraceBackend>();
        if (options.command.empty()) {
            if (!ptrace->attach(options.attach_pid, &error)) return fail(error);
        } else {
            main_pid = launcher.start(path, options.command, FilterAction::Trace, inherited, &error);
            if (main_pid < 0) return fail(error);
            if (!ptrace->seize_launched(main_pid, &error)) {
                kill(main_pid, SIGKILL);
                return fail(error);
            }
            launcher.release();
        }
        backend = std::move(ptrace);
    }

    std::unique_ptr<Output> output;
    if (options.per_process_files) output = std::make_unique<SplitOutput>(options.output_path, options, main_pid);
    else if (options.format == Format::Json) output = std::make_unique<JsonOutput>(sink, options);
    else output = std::make_unique<TextOutput>(sink, options);
    Session session(*backend, options, *output, main_pid, std::move(run));
    int status = session.run();
    if (!options.command.empty() && !session.main_exec_seen()) {
        const std::string why = launcher.exec_failure();
        if (!why.empty()) {
            output->flush();
            fail(fmt::format("cannot run '{}': {}", options.command[0], why));
            return 127;
        }
    }
    output->flush();
    if (!output->complete()) {
        // Said again at the end, for whoever reads only the last line; the
        // exit status tells a script, where the program itself succeeded.
        if (options.per_process_files)
            fmt::print(stderr, "bpftrace-syscalls: the trace in {}.* is incomplete: {} bytes were not written\n",
                       options.output_path, output->lost_bytes());
        else if (!options.output_path.empty())
            fmt::print(stderr, "bpftrace-syscalls: the trace in {} is incomplete: {} bytes were not written ({})\n",
                       sink.name(), sink.lost_bytes(), std::strerror(sink.error()));
        if (status == 0) status = 1;
    }
    return status;
}

// The tracer's open fds (BPFSC_SECCOMP_STATS=1 reports how many more are
// open at the end than at the start: a test checks that nothing a tracee
// did left one open).
int open_fds() {
    int n = 0;
    for (int fd = 0; fd < 65536; ++fd) n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

} // namespace

int main(int argc, char** argv) {
    const char* stats = std::getenv("BPFSC_SECCOMP_STATS");
    const bool report = stats != nullptr && std::strcmp(stats, "1") == 0;
    const int before = report ? open_fds() : 0;
    const int status = trace(argc, argv);
    if (report) fmt::print(stderr, "seccomp backend: {} fds left open by the tracer\n", open_fds() - before);
    return status;
}
