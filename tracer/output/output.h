// The one interface everything printed goes through: a method per record
// kind (records.h). TextOutput (strace's shape) and JsonOutput (JSON Lines
// with a schema, docs/trace.schema.json) are its two implementations; no
// other code turns a record into bytes.
#pragma once

#include "tracer/output/records.h"

namespace bpfsc::tracer {

class Output {
public:
    virtual ~Output() = default;
    virtual void header(const HeaderRecord& r) = 0;
    virtual void call(const CallRecord& r) = 0;
    virtual void syscall(const SyscallRecord& r) = 0;
    virtual void process(const ProcessRecord& r) = 0;
    virtual void message(const MessageRecord& r) = 0;
    virtual void fd_table(const FdTableRecord& r) = 0;
    virtual void alive(const AliveRecord& r) = 0;
    // Everything so far written out (before the tracer waits for the tracee).
    virtual void flush() = 0;
    // Whether every byte reached its file so far; else the bytes lost.
    virtual bool complete() const = 0;
    virtual uint64_t lost_bytes() const = 0;
};

} // namespace bpfsc::tracer
