// Reads validated by the notification id (see notification_memory.h).
#include "notification_memory.h"

#include <cerrno>

namespace bpfsc::tracer {

decoder::ReadResult NotificationMemory::read(decoder::RemoteAddr addr, std::span<std::byte> out) {
    const decoder::ReadResult r = memory_.read(addr, out);
    if (!listener_.valid(id_)) return {0, ESRCH};
    return r;
}

} // namespace bpfsc::tracer
