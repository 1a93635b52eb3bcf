// Command-line parsing with getopt_long: options end at the first
// non-option (POSIX "+"), so COMMAND's own options are left alone.
#include "tracer/cli/options.h"

#include <getopt.h>
#include <signal.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace bpfsc::tracer {

std::string usage_text() {
    return "usage: bpftrace-syscalls [OPTIONS] [--] COMMAND [ARGS...]\n"
           "       bpftrace-syscalls [OPTIONS] -p PID\n"
           "\n"
           "Traces every bpf() call of COMMAND and of everything it starts (or of the\n"
           "running process PID and its threads) and decodes each one, like\n"
           "`strace -f -e bpf`.\n"
           "\n"
           "Options:\n"
           "  -o, --output=FILE        write the trace to FILE instead of stderr\n"
           "      --format=text|json   text in strace's shape (default), or JSON Lines\n"
           "  -s, --string-limit=N     show at most N bytes of a string or buffer and N\n"
           "                           elements of an array (default 32); paths (pins,\n"
           "                           uprobe binaries) are shown whole, as strace does\n"
           "  -f, --follow-forks       show the calls of child processes (default)\n"
           "  -ff                      with -o FILE: one file per process, FILE.PID, as\n"
           "                           strace writes them (a process that makes no\n"
           "                           traced call gets none; the end-of-trace tables go\n"
           "                           to COMMAND's file)\n"
           "      --no-follow          show only the calls of COMMAND's own process; its\n"
           "                           children are still traced (silently), so they\n"
           "                           behave exactly as they would untraced\n"
           "  -p, --attach=PID         attach to a running process and all its threads;\n"
           "                           Ctrl-C detaches and leaves it running\n"
           "  -q, --quiet              print only the strace-shaped lines: no data lines,\n"
           "                           no commentary, no summary\n"
           "  -n, --numbers            number each call line (#N), as the end-of-trace\n"
           "                           summary names calls\n"
           "  -t, --absolute-timestamps\n"
           "                           start each line with the time of day; -tt with\n"
           "                           microseconds; -ttt as seconds since the epoch\n"
           "  -r, --relative-timestamps\n"
           "                           start each line with the time since the previous\n"
           "                           line (a monotonic clock)\n"
           "  -T, --syscall-times      end each call's line with the time spent in it,\n"
           "                           <0.000123> (what it measures under each backend:\n"
           "                           README, \"Times\")\n"
           "  -v, --verbose            show programs disassembled with their source lines,\n"
           "                           BTF blobs as C types, verifier logs whole, every\n"
           "                           member (-e abbrev=none), every call of a run of\n"
           "                           feature probes (collapsed to one line by default),\n"
           "                           the exit of every process, and whole fd tables\n"
           "      --verifier-log=WHEN  when a program load fails and the loader asked for\n"
           "                           no log, the tracer loads the same program again\n"
           "                           itself (its own copies, closed at once) to show the\n"
           "                           verifier's reason: auto (default: failed loads\n"
           "                           without a log), always (every load, also successful\n"
           "                           ones), never\n"
           "  -e abbrev=none           every member of every attr, in strace's shape\n"
           "                           (default: brief lines leave out members whose\n"
           "                           zero means none or the default, and show blobs\n"
           "                           by what they are: btf=<45 bytes, 3 types>,\n"
           "                           insns=<2 insns>); JSON always has every member\n"
           "  -e trace=SET             which lines: bpf (bpf() only) or bpf,fd (default:\n"
           "                           also close, close_range, dup, dup2, dup3 and fcntl\n"
           "                           calls that touch a BPF fd or a perf event, every\n"
           "                           perf_event_open and ioctl(PERF_EVENT_IOC_SET_BPF);\n"
           "                           the fd model follows them either way)\n"
           "      --backend=KIND       how calls are intercepted: ptrace (default), seccomp\n"
           "                           (seccomp user notification: no ptrace; the tracer\n"
           "                           runs bpf() calls itself when that cannot change\n"
           "                           their meaning), or auto: seccomp when launching\n"
           "                           COMMAND and this system offers all it needs (a\n"
           "                           seccomp listener, process events and the\n"
           "                           syscalls tracepoints), else ptrace\n"
           "  -h, --help               show this help\n"
           "  -V, --version            show the version\n"
           "\n"
           "The exit status is COMMAND's (128+N if a signal N killed it); 1 where COMMAND\n"
           "succeeded but the trace could not be written whole (a full disk, a closed pipe).\n";
}

namespace {

bool parse_uint(const char* s, uint64_t max, uint64_t& out) {
    const char* end = s + std::strlen(s);
    const auto r = std::from_chars(s, end, out);
    return r.ec == std::errc() && r.ptr == end && *s != '\0' && out <= max;
}

ParseResult error(std::string msg) {
    ParseResult r;
    r.action = ParseResult::Action::Exit;
    r.exit_code = 2;
    r.is_error = true;
    r.message = "bpftrace-syscalls: " + msg + " (see --help)\n";
    return r;
}

} // namespace

ParseResult parse_options(int argc, char** argv, Options& o) {
    enum { kFormat = 1000, kNoFollow, kBackend, kVerifierLog, kNoAbbrev, kColor };
    static const option longs[] = {
        {"output", required_argument, nullptr, 'o'},
        {"format", required_argument, nullptr, kFormat},
        {"string-limit", required_argument, nullptr, 's'},
        {"follow-forks", no_argument, nullptr, 'f'},
        {"no-follow", no_argument, nullptr, kNoFollow},
        {"attach", required_argument, nullptr, 'p'},
        {"quiet", no_argument, nullptr, 'q'},
        {"expr", required_argument, nullptr, 'e'},
        {"numbers", no_argument, nullptr, 'n'},
        {"verbose", no_argument, nullptr, 'v'},
        {"no-abbrev", no_argument, nullptr, kNoAbbrev},
        {"color", required_argument, nullptr, kColor},
        {"colour", required_argument, nullptr, kColor},
        {"absolute-timestamps", no_argument, nullptr, 't'},
        {"relative-timestamps", no_argument, nullptr, 'r'},
        {"syscall-times", no_argument, nullptr, 'T'},
        {"verifier-log", required_argument, nullptr, kVerifierLog},
        {"backend", required_argument, nullptr, kBackend},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    opterr = 0;
    bool follow_seen = false;
    optind = 1;
    for (;;) {
        const int prev = optind;
        const int c = getopt_long(argc, argv, "+:o:s:fp:qe:nvtrThV", longs, nullptr);
        if (c == -1) break;
        uint64_t n = 0;
        switch (c) {
        case 'o': o.output_path = optarg; break;
        case kFormat:
            if (std::strcmp(optarg, "text") == 0) o.format = Format::Text;
            else if (std::strcmp(optarg, "json") == 0) o.format = Format::Json;
            else return error(fmt::format("--format must be text or json, not '{}'", optarg));
            break;
        case 's':
            if (!parse_uint(optarg, 1u << 20, n)) return error(fmt::format("-s needs a number up to 1048576, not '{}'", optarg));
            o.string_limit = uint32_t(n);
            break;
        case 'f':
            // -ff: strace's one file per process.
            if (o.follow_forks && follow_seen) o.per_process_files = true;
            o.follow_forks = true;
            follow_seen = true;
            break;
        case kNoFollow: o.follow_forks = false; break;
        case 'p':
            if (!parse_uint(optarg, 0x3fffffff, n) || n == 0) return error(fmt::format("-p needs a process id, not '{}'", optarg));
            o.attach_pid = pid_t(n);
            break;
        case 'q': o.quiet = true; break;
        case 'n': o.numbers = true; break;
        case 'v': o.verbose = true; break;
        case 't':  // -t, -tt, -ttt: each one more
            o.time_of_day = o.time_of_day == TimeOfDay::None       ? TimeOfDay::Seconds
                            : o.time_of_day == TimeOfDay::Seconds ? TimeOfDay::Microseconds
                                                                  : TimeOfDay::Epoch;
            break;
        case 'r': o.relative_time = true; break;
        case 'T': o.call_durations = true; break;
        case kNoAbbrev: o.all_members = true; break;
        case kColor:
            if (std::strcmp(optarg, "auto") == 0) o.color = Color::Auto;
            else if (std::strcmp(optarg, "always") == 0) o.color = Color::Always;
            else if (std::strcmp(optarg, "never") == 0) o.color = Color::Never;
            else return error(fmt::format("--color must be auto, always or never, not '{}'", optarg));
            break;
        case kVerifierLog:
            if (std::strcmp(optarg, "auto") == 0) o.verifier_log = VerifierLog::Auto;
            else if (std::strcmp(optarg, "always") == 0) o.verifier_log = VerifierLog::Always;
            else if (std::strcmp(optarg, "never") == 0) o.verifier_log = VerifierLog::Never;
            else return error(fmt::format("--verifier-log must be auto, always or never, not '{}'", optarg));
            break;
        case 'e': {
            std::string_view e = optarg;
            if (e.starts_with("abbrev=")) {
                // strace's -e abbrev=SET: which calls' structs are abbreviated.
                // none prints every member of every attr, in strace's shape.
                e.remove_prefix(7);
                if (e == "none") o.all_members = true;
                else if (e == "all" || e == "bpf") o.all_members = false;
                else return error(fmt::format("-e abbrev= takes none, all or bpf, not '{}'", e));
                break;
            }
            // strace's -e trace=SET: which lines to show. bpf() always; fd
            // syscalls (close, close_range, dup*, fcntl) that touch a BPF fd
            // unless left out. The model follows them either way.
            if (!e.starts_with("trace="))
                return error(fmt::format("-e supports trace=SET and abbrev=SET, not '{}'", optarg));
            e.remove_prefix(6);
            bool fd = false;
            while (!e.empty()) {
                const std::size_t comma = e.find(',');
                const std::string_view item = e.substr(0, comma);
                if (item == "fd" || item == "all") fd = true;
                else if (item != "bpf")
                    return error(fmt::format("-e trace= takes bpf, fd or all, not '{}'", item));
                if (comma == std::string_view::npos) break;
                e.remove_prefix(comma + 1);
            }
            o.show_fd_lines = fd;
            break;
        }
        case kBackend:
            if (std::strcmp(optarg, "ptrace") == 0) o.backend = BackendKind::Ptrace;
            else if (std::strcmp(optarg, "seccomp") == 0) o.backend = BackendKind::Seccomp;
            else if (std::strcmp(optarg, "auto") == 0) o.backend = BackendKind::Auto;
            else return error(fmt::format("--backend must be ptrace, seccomp or auto, not '{}'", optarg));
            break;
        case 'h': {
            ParseResult r;
            r.action = ParseResult::Action::Exit;
            r.message = usage_text();
            return r;
        }
        case 'V': {
            ParseResult r;
            r.action = ParseResult::Action::Exit;
            r.message = "bpftrace-syscalls " BPFSC_VERSION "\n";
            return r;
        }
        case ':': return error(fmt::format("option '{}' needs a value", argv[prev]));
        default: return error(fmt::format("unknown option '{}'", argv[prev]));
        }
    }
    for (int i = optind; i < argc; ++i) o.command.emplace_back(argv[i]);
    if (o.attach_pid != 0 && !o.command.empty()) return error("give either -p PID or a COMMAND, not both");
    if (o.attach_pid == 0 && o.command.empty()) return error("no command given");
    if (o.color == Color::Always && o.format == Format::Json)
        return error("--color=always colours the text trace; JSON is never coloured");
    if (o.color == Color::Auto) {
        // https://no-color.org: set and not empty. A dumb terminal has no SGR.
        const char* no_color = std::getenv("NO_COLOR");
        const char* term = std::getenv("TERM");
        if ((no_color != nullptr && *no_color != '\0') || (term != nullptr && std::strcmp(term, "dumb") == 0))
            o.color = Color::Never;
    }
    if (o.per_process_files && o.output_path.empty())
        return error("-ff writes one file per process, FILE.PID: it needs -o FILE");
    if (o.per_process_files && !o.follow_forks) return error("-ff and --no-follow contradict each other");
    if (o.attach_pid != 0 && o.backend == BackendKind::Seccomp)
        return error("--backend=seccomp cannot attach (-p): a seccomp filter cannot be given to a running process");
    if (o.attach_pid != 0 && kill(o.attach_pid, 0) != 0 && errno == ESRCH)
        return error(fmt::format("-p {}: no such process", o.attach_pid));
    return {};
}

} // namespace bpfsc::tracer
