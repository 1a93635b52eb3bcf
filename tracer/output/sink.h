// Where the trace goes: stderr or the -o file, through one buffer that is
// written out before the tracer waits for the tracee (so an interrupted or
// idle trace never holds lines back) and at every line on a terminal. The
// first write that fails (a full disk, /dev/full, a closed pipe) is
// reported once on stderr with the path and the error; what follows is
// dropped, so the trace ends there instead of having holes, and the tracee
// runs on untouched. complete() says whether every byte was written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tracer/os/unique_fd.h"

namespace bpfsc::tracer {

class Sink {
public:
    // Writes to `file`, or to stderr (not owned) when `file` is invalid;
    // `name` says where it goes in the error message ("stderr", "/tmp/trace").
    Sink(UniqueFd file, std::string name);
    // A file that could not be opened (`open_error`, an errno): everything
    // written to it is counted as lost; the caller has said why.
    Sink(std::string name, int open_error);
    ~Sink();
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    fmt::memory_buffer& buffer() { return buffer_; }
    // A complete line (or lines) has been appended to buffer().
    void end_record();
    void flush();
    // Whether everything so far reached the file (no write failed).
    bool complete() const { return error_ == 0; }
    // The first write error (an errno), and how many bytes were lost since.
    int error() const { return error_; }
    uint64_t lost_bytes() const { return lost_bytes_; }
    const std::string& name() const { return name_; }
    // Whether the trace goes to a terminal (--color=auto colours it).
    bool terminal() const { return terminal_; }

private:
    void failed(int err, std::size_t unwritten);

    UniqueFd file_;
    int fd_;  // file_'s, or 2
    bool terminal_;
    std::string name_;
    int error_ = 0;
    uint64_t lost_bytes_ = 0;
    fmt::memory_buffer buffer_;
};

} // namespace bpfsc::tracer
