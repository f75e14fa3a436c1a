// libFuzzer target: the ntp.conf parser (libntp/config/parser.hh) and the
// writer behind --saveconfigquit (config_writer.hh).
// Input: the text of ntp.conf. Every `includefile` reads the same small file,
// which includes itself, so the nesting limit is exercised without the input
// growing. Invariants: the error count agrees with the diagnostics, every
// diagnostic has a position and a message, and what was accepted survives
// the writer: format_config() output parses without errors to an equal
// NtpConfig (the round trip --saveconfigquit promises).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "libntp/config/config_writer.hh"
#include "libntp/config/parser.hh"
#include "tests/fuzz/fuzz_support.hh"

namespace config = ntp::config;

namespace {

config::FileContent include_file(const std::string&) {
    config::FileContent c;
    c.ok = true;
    c.text = "server 192.0.2.7 iburst\nincludefile nested.conf\n";
    return c;
}

void check_diagnostics(const config::LoadResult& r) {
    int errors = 0;
    for (const auto& d : r.diagnostics) {
        if (d.severity == config::DiagnosticSeverity::error) ++errors;
        FUZZ_CHECK(d.where.line >= 1);
        FUZZ_CHECK(d.where.column >= 1);
        FUZZ_CHECK(!d.message.empty());
        FUZZ_CHECK(!config::format_diagnostic(d).empty());
    }
    FUZZ_CHECK(errors == r.errors);
    FUZZ_CHECK(static_cast<int>(r.diagnostics.size()) == r.errors + r.warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const config::FileReader reader = include_file;
    const auto r = config::parse_config_text(ntp::fuzz::as_text({data, size}), "fuzz.conf", reader);
    check_diagnostics(r);

    const std::string saved = config::format_config(r.config);
    const auto again = config::parse_config_text(saved, "saved.conf", config::FileReader{});
    if (again.errors != 0 || !(again.config == r.config)) {
        std::fprintf(stderr, "--- written:\n%s---\n", saved.c_str());
        for (const auto& d : again.diagnostics)
            std::fprintf(stderr, "%s\n", config::format_diagnostic(d).c_str());
    }
    FUZZ_CHECK(again.errors == 0);
    FUZZ_CHECK(again.config == r.config);
    // Writing is deterministic: the same config gives the same text.
    FUZZ_CHECK(config::format_config(again.config) == saved);
    return 0;
}
