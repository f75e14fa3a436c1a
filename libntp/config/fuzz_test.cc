// Fuzz-ish loops: random bytes and random token soup must never crash the
// lexer or parser, every rejected line must come with an error, and whatever
// was accepted must survive the writer round trip. Seeded; the seed is
// printed with any failure (set CONFIG_FUZZ_SEED to replay one).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

#include "libntp/config/config_writer.hh"
#include "tests/support/config_files.hh"

using namespace ntp::config;

namespace {

std::uint32_t base_seed() {
    if (const char* s = std::getenv("CONFIG_FUZZ_SEED")) return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 0));
    return 20240601u;
}

const char* const vocabulary[] = {
    "server", "pool", "peer", "restrict", "fudge", "refclock", "driftfile", "keys", "trustedkey",
    "tinker", "tos", "enable", "disable", "interface", "setvar", "includefile", "statistics",
    "filegen", "logconfig", "discard", "mru", "hwclock", "broadcast", "ttl", "trap", "-4", "-6",
    "default", "source", "mask", "iburst", "minpoll", "maxpoll", "key", "version", "prefer",
    "noselect", "stratum", "refid", "time1", "flag1", "unit", "shm", "local", "nopeer", "kod",
    "limited", "noquery", "ntpport", "ippeerlimit", "panic", "step", "ceiling", "orphan", "(",
    ")", "...", "=", "+syncall", "listen", "ignore", "wildcard", "file", "type", "day", "link",
    "0", "1", "3", "17", "255", "65535", "-1", "0x10", "1e-7", ".5", "1e999", "127.127.1.0",
    "127.127.28.1", "192.0.2.1", "255.255.255.0", "255.255.255.999", "::1", "[::1]", "[::1",
    "fe80::1%eth0", "10.0.0.0/8", "pool.ntp.org", "\"quoted string\"", "\"open", "#", "x#y",
    "\t", "end", "simulate", "{", "}", "interval", "device", "/dev/rtc0",
};

std::string random_bytes(std::mt19937& rng) {
    std::uniform_int_distribution<int> len(0, 400);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> pick(0, 9);
    std::string s;
    const int n = len(rng);
    for (int i = 0; i < n; ++i) {
        const int p = pick(rng);
        // Bias towards characters with meaning to the lexer.
        if (p == 0) s += '\n';
        else if (p == 1) s += ' ';
        else if (p == 2) s += "\"#\r\t"[byte(rng) % 4];
        else s += static_cast<char>(byte(rng));
    }
    return s;
}

std::string token_soup(std::mt19937& rng) {
    std::uniform_int_distribution<int> lines(1, 12);
    std::uniform_int_distribution<int> words(1, 10);
    std::uniform_int_distribution<std::size_t> word(0, std::size(vocabulary) - 1);
    std::string s;
    const int n = lines(rng);
    for (int l = 0; l < n; ++l) {
        const int w = words(rng);
        for (int i = 0; i < w; ++i) {
            if (i) s += ' ';
            s += vocabulary[word(rng)];
        }
        s += (rng() % 7 == 0) ? "\r\n" : "\n";
    }
    return s;
}

void check_invariants(const LoadResult& r, std::uint32_t seed, const std::string& input) {
    INFO("seed " << seed << " (CONFIG_FUZZ_SEED=" << seed << ")");
    int errors = 0;
    for (const auto& d : r.diagnostics) {
        if (d.severity == DiagnosticSeverity::error) ++errors;
        REQUIRE(d.where.line >= 1);
        REQUIRE(d.where.column >= 1);
        REQUIRE_FALSE(d.message.empty());
    }
    REQUIRE(errors == r.errors);
    const std::string text = format_config(r.config);
    auto again = parse_config_text(text, "saved.conf", FileReader{});
    INFO("input:\n" << input << "\nwritten:\n" << text);
    REQUIRE(again.errors == 0);
    REQUIRE(again.config == r.config);
}

}  // namespace

TEST_CASE("fuzz: random bytes never crash and round-trip what was accepted") {
    const std::uint32_t seed0 = base_seed();
    for (std::uint32_t i = 0; i < 3000; ++i) {
        const std::uint32_t seed = seed0 + i;
        std::mt19937 rng(seed);
        const std::string input = random_bytes(rng);
        auto r = parse_config_text(input, "fuzz.conf", FileReader{});
        check_invariants(r, seed, input);
    }
}

TEST_CASE("fuzz: keyword soup never crashes and round-trips what was accepted") {
    const std::uint32_t seed0 = base_seed() ^ 0x5eedu;
    test::MemoryFs fs;
    fs.files["end"] = "server 192.0.2.5\n";
    fs.files["includefile"] = "includefile includefile\n";
    for (std::uint32_t i = 0; i < 5000; ++i) {
        const std::uint32_t seed = seed0 + i;
        std::mt19937 rng(seed);
        const std::string input = token_soup(rng);
        auto r = parse_config_text(input, "soup.conf", fs.reader());
        check_invariants(r, seed, input);
    }
}
