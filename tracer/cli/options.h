// The command line, in the conventions strace users know. Parsing checks
// everything that can be checked before anything runs.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace bpfsc::tracer {

enum class Format { Text, Json };
enum class BackendKind { Ptrace, Seccomp, Auto };
// When the tracer loads a program again itself to show the verifier's log.
enum class VerifierLog { Auto, Always, Never };
// --color: auto colours a terminal's text unless NO_COLOR is set or TERM is dumb.
enum class Color { Auto, Always, Never };
// strace's -t, -tt, -ttt: the time of day (or since the epoch) on each line.
enum class TimeOfDay { None, Seconds, Microseconds, Epoch };

struct Options {
    std::vector<std::string> command;   // COMMAND [ARGS...]
    pid_t attach_pid = 0;               // -p
    std::string output_path;            // -o ("" = stderr)
    Format format = Format::Text;
    uint32_t string_limit = 32;         // -s
    bool follow_forks = true;           // -f (default) / --no-follow
    bool per_process_files = false;
    Color color = Color::Auto;          // --color (Auto already Never where NO_COLOR or TERM=dumb says so)     // -ff with -o FILE: FILE.PID for each process
    bool quiet = false;                 // -q
    bool show_fd_lines = true;          // -e trace=bpf hides close/dup/fcntl lines
    bool numbers = false;               // -n: number each call line (#N, as the summary names calls)
    bool verbose = false;               // -v: disassembly, BTF types in C, whole verifier logs
    bool all_members = false;           // -e abbrev=none (and -v): every attr member, as strace
    VerifierLog verifier_log = VerifierLog::Auto;  // --verifier-log
    TimeOfDay time_of_day = TimeOfDay::None;    // -t, -tt, -ttt
    bool relative_time = false;         // -r: the time since the previous line
    bool call_durations = false;        // -T: the time spent in each call
    BackendKind backend = BackendKind::Ptrace;
};

struct ParseResult {
    enum class Action { Run, Exit } action = Action::Run;
    int exit_code = 0;      // for Exit
    std::string message;    // printed for Exit (help/version to stdout, errors to stderr)
    bool is_error = false;
};

ParseResult parse_options(int argc, char** argv, Options& options);
std::string usage_text();

} // namespace bpfsc::tracer
