// Fuzz target: BTF from a hostile tracee (cycles, self-references, huge
// arrays, deep chains, bad names) through every formatter: the kind
// summary, C declarations (which reach libbpf's dumper only past the graph
// check), type names, function prototypes, type resolution, and typed
// values in text and JSON (whose JSON must parse). The input: the size of
// the blob, the blob, then the bytes of a value. BPFSC_FUZZ_VERBOSE=1
// prints what the check found (to check seeds).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "btf/btf_check.h"
#include "btf/btf_types.h"
#include "btf/value_format.h"
#include "fuzz_input.h"
#include "json_check.h"

using namespace bpfsc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in({data, size});
    const auto blob_size = in.take<uint16_t>();
    const std::string_view blob = in.blob(blob_size);
    const auto rest = in.rest();
    const std::string_view value(reinterpret_cast<const char*>(rest.data()), rest.size());
    int error = 0;
    const auto btf = decoder::BtfTypes::parse(blob, &error);
    if (btf == nullptr) return 0;
    const std::string malformation = decoder::find_btf_malformation(btf->raw());
    if (std::getenv("BPFSC_FUZZ_VERBOSE") != nullptr)
        std::fprintf(stderr, "%s\n", malformation.empty() ? "sound" : malformation.c_str());
    decoder::OutBuf out;
    btf->append_kind_summary(out);
    btf->append_c(out);
    const uint32_t count = btf->type_count();
    for (uint32_t id = 0; id < count + 2 && id < 512; ++id) {
        out.clear();
        btf->append_type_name(out, id);
        btf->append_function(out, id);
        btf->append_c(out, id);
        (void)btf->resolve(id);
        out.clear();
        decoder::append_typed_value(out, *btf, id, value, {decoder::ValueStyle::Text, 8});
        out.clear();
        if (decoder::append_typed_value(out, *btf, id, value, {decoder::ValueStyle::Json, 8}) &&
            !test::valid_json(std::string(out.data(), out.size()))) {
            std::fprintf(stderr, "invalid JSON for type %u: %.*s\n", id, int(out.size()), out.data());
            std::abort();
        }
    }
    return 0;
}
