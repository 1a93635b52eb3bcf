// Nested groups for the members of an info struct: a member's Field::group
// is a path ("perf_event.kprobe"), and runs of members that share a prefix
// of it are wrapped in that many nested groups, in both renderers:
//   perf_event={type=BPF_PERF_EVENT_KPROBE, kprobe={func_name="...", ...}}
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "../decoded_call.h"

namespace bpfsc::decoder::info {

// The group path split at its dots.
struct GroupPath {
    std::array<std::string_view, 4> parts{};
    std::size_t depth = 0;

    explicit GroupPath(std::string_view path) {
        while (!path.empty() && depth < parts.size()) {
            const std::size_t dot = path.find('.');
            parts[depth++] = path.substr(0, dot);
            path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
        }
    }
};

// Calls open(name, first) and close() as the group path changes, and
// member(v, first) for each member that keep(v) accepts (a group none of
// whose members are kept is not opened); `first` says whether the item
// opens its enclosing group (no separator before it).
template <typename Open, typename Close, typename Member, typename Keep>
void walk_groups(std::span<const FieldValue> members, Open&& open, Close&& close, Member&& member, Keep&& keep) {
    GroupPath current("");
    std::array<bool, 5> first{};
    first[0] = true;
    for (const FieldValue& v : members) {
        if (!keep(v)) continue;
        const GroupPath next(v.field->group);
        std::size_t same = 0;
        while (same < current.depth && same < next.depth && current.parts[same] == next.parts[same]) ++same;
        for (; current.depth > same; --current.depth) close();
        for (; current.depth < next.depth; ++current.depth) {
            open(next.parts[current.depth], first[current.depth]);
            first[current.depth] = false;
            first[current.depth + 1] = true;
            current.parts[current.depth] = next.parts[current.depth];
        }
        member(v, first[current.depth]);
        first[current.depth] = false;
    }
    for (; current.depth > 0; --current.depth) close();
}

template <typename Open, typename Close, typename Member>
void walk_groups(std::span<const FieldValue> members, Open&& open, Close&& close, Member&& member) {
    walk_groups(members, open, close, member, [](const FieldValue&) { return true; });
}

} // namespace bpfsc::decoder::info
