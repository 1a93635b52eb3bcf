// Where the trace goes: stderr or the -o file, through one buffer that is
// written out before the tracer waits for the tracee (so an interrupted or
// idle trace never holds lines back) and at every line on a terminal.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace bpfsc::tracer {

class Output {
public:
    // Takes ownership of fd unless it is 2 (stderr).
    explicit Output(int fd);
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    fmt::memory_buffer& buffer() { return buffer_; }
    // A complete line (or lines) has been appended to buffer().
    void end_record();
    void flush();

private:
    int fd_;
    bool terminal_;
    fmt::memory_buffer buffer_;
};

} // namespace bpfsc::tracer
