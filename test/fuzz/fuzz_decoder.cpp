// Fuzz target: one bpf() call of a hostile tracee through the whole
// decoder. The input chooses the command (or FUZZ_FIXED_CMD's: the info
// struct decoder is BPF_OBJ_GET_INFO_BY_FD's), the size, the attr's
// address, the result, the resolver's answers and a BTF blob; the rest is
// the tracee's memory. The call is decoded at entry, rendered unfinished,
// completed at exit (the memory as the kernel may have left it), rendered
// as text (brief, -q, -v) and as JSON (brief and -v), and every JSON must
// parse.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "decode.h"
#include "fuzz_input.h"
#include "json_check.h"
#include "render/json.h"
#include "render/text.h"

using namespace bpfsc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in({data, size});
    const auto cmd_byte = in.take<uint8_t>();
#ifdef FUZZ_FIXED_CMD
    const uint32_t cmd = FUZZ_FIXED_CMD;
    (void)cmd_byte;
#else
    const uint32_t cmd = cmd_byte % 42;  // the 38 commands and a few unknown ones
#endif
    const auto attr_size = uint32_t(in.take<uint16_t>() % 4200);
    const auto attr_addr = in.take<uint64_t>() % 0x0000900000000000ull;
    const auto ret = in.take<int64_t>();
    const auto limits = in.take<uint8_t>();
    const auto answers = in.blob(16);
    const auto btf_size = in.take<uint16_t>() % 4096;
    const std::string_view btf = in.blob(btf_size);

    fuzz::InputResolver resolver({reinterpret_cast<const uint8_t*>(answers.data()), answers.size()}, btf);
    fuzz::InputMemory memory(in.rest());
    decoder::DecodeOptions options;
    options.string_limit = 1 + limits % 64;
    options.data_limit = 1u << (limits % 14);
    decoder::Decoder d(memory, (limits & 0x80) ? nullptr : &resolver, options);
    decoder::DecodedCall call;
    d.decode_entry(call, cmd, decoder::RemoteAddr{attr_addr}, attr_size);

    decoder::OutBuf out;
    decoder::render_text(call, decoder::TextPhase::Unfinished, {}, out);
    d.decode_exit(call, (ret % 3 == 0) ? ret : (ret % 4096) - 4096 * (ret % 2));
    out.clear();
    for (const decoder::TextOptions o : {decoder::TextOptions{}, decoder::TextOptions{.data_lines = false},
                                         decoder::TextOptions{.whole_data = true, .verbose = true}}) {
        decoder::render_text(call, decoder::TextPhase::Complete, o, out);
        out.clear();
    }
    for (const bool verbose : {false, true}) {
        decoder::render_json(call, out, verbose);
        const std::string json(out.data(), out.size());
        if (!test::valid_json(json)) {
            std::fprintf(stderr, "invalid JSON (verbose=%d): %s\n", int(verbose), json.c_str());
            std::abort();
        }
        out.clear();
    }
    return 0;
}
