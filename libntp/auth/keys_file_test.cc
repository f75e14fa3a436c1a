#include "libntp/auth/keys_file.hh"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ntp::auth;

namespace {

bool has_message(const KeysFileResult& r, std::string_view text) {
    for (const auto& d : r.diagnostics)
        if (d.to_string().find(text) != std::string::npos) return true;
    return false;
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("a typical keys file", "[keys_file]") {
    const char* text =
        "# ntp keys\n"
        "\n"
        "1 M secret   # classic MD5, ASCII\n"
        "2 MD5 abcdefghijklmnopqrst\n"                              // 20 chars: still ASCII
        "\t3 SHA1 0123456789abcdef0123456789abcdef01234567\r\n"     // 40 hex digits: binary
        "4 AES128CMAC 2b7e151628aed2a6abf7158809cf4f3c 127.0.0.1,::1,192.0.2.0/24\n"
        "65535 sha256 x\n"
        "   # indented comment\n";
    const KeysFileResult r = parse_keys(text, "/etc/ntp/keys");
    INFO(r.verdict);
    REQUIRE_FALSE(r.rejected());
    CHECK(r.diagnostics.empty());
    REQUIRE(r.keys.size() == 5);
    CHECK(r.keys[0].id == 1);
    CHECK(r.keys[0].algorithm.name() == "MD5");
    CHECK(r.keys[0].secret == bytes("secret"));
    CHECK(r.keys[1].secret == bytes("abcdefghijklmnopqrst"));
    CHECK(r.keys[2].algorithm.name() == "SHA1");
    CHECK(r.keys[2].secret ==
          std::vector<std::uint8_t>{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
                                    0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67});
    CHECK(r.keys[3].algorithm.is_cmac());
    CHECK(r.keys[3].secret.size() == 16);
    REQUIRE(r.keys[3].allowed.size() == 3);
    CHECK(r.keys[3].allowed[1].size == 16);
    CHECK(r.keys[3].allowed[2].prefix_len == 24);
    CHECK(r.keys[3].allows(std::vector<std::uint8_t>{192, 0, 2, 77}));
    CHECK_FALSE(r.keys[3].allows(std::vector<std::uint8_t>{192, 0, 3, 1}));
    CHECK(r.keys[4].id == 65535);
}

TEST_CASE("any error rejects the whole file, with classic texts and positions", "[keys_file]") {
    struct Case {
        const char* line;
        const char* diagnostic;
    };
    const Case cases[] = {
        {"0 MD5 abc", "k:1:1: error: cannot change key 0"},
        {"-3 MD5 abc", "k:1:1: error: cannot change key -3"},
        {"abc MD5 abc", "k:1:1: error: cannot change key abc"},
        {"65536 MD5 abc", "k:1:1: error: key 65536 > 65535 reserved for Autokey"},
        {"99999999999999999999 MD5 abc", "reserved for Autokey"},
        {"7", "k:1:2: error: no key type for key 7"},
        {"7 MD5", "k:1:6: error: no key for key 7"},
        {"7 MD5   # key missing", "error: no key for key 7"},
        {"7 SHA1 0123456789abcdef0123456789abcdefg1234567", "k:1:40: error: invalid hex digit for key 7"},
        {"7 MD5 abc 10.0.0.300", "k:1:11: error: invalid IP address <10.0.0.300> for key 7"},
        {"7 MD5 abc 10.0.0.1,,::1", "k:1:20: error: invalid IP address <> for key 7"},
        {"7 MD5 abc 10.0.0.0/8x", "error: Invalid character in subnet specification for <10.0.0.0/8x> in key 7"},
    };
    for (const Case& c : cases) {
        const std::string text = std::string("1 MD5 good\n") + c.line + "\n";
        INFO(c.line);
        KeysFileResult r = parse_keys(c.line, "k");
        CHECK(r.rejected());
        CHECK(r.keys.empty());
        CHECK(r.error_count == 1);
        CHECK(has_message(r, c.diagnostic));
        CHECK(r.verdict == "authreadkeys: rejecting file 'k' after 1 error(s)");
        r = parse_keys(text, "k");
        CHECK(r.keys.empty());  // the good key on line 1 is not taken either
    }
}

TEST_CASE("warnings do not reject", "[keys_file]") {
    const KeysFileResult r = parse_keys(
        "1 NOSUCHDIGEST abc\n"       // unknown type: key skipped
        "2 MD4 abc\n"                // unknown word starting with M: MD5, said so
        "3 MD5 abc 10.0.0.1/40\n"    // excessive mask
        "4 MD5 abc\n"
        "4 MD5 other\n"              // duplicate: first kept
        "5 SHA1 0123456789abcdef0123456\n"  // odd number of hex digits
        "6 MD5 7abc\n",              // atoi-style id
        "k");
    CHECK_FALSE(r.rejected());
    CHECK(r.error_count == 0);
    CHECK(has_message(r, "k:1:3: warning: invalid type for key 1"));
    CHECK(has_message(r, "k:2:3: warning: key type MD4 unknown, using MD5 for key 2"));
    CHECK(has_message(r, "warning: excessive subnet mask <10.0.0.1/40> for key 3"));
    CHECK(has_message(r, "k:5:1: warning: key 4 defined again"));
    CHECK(has_message(r, "warning: key 5: odd number of hex digits"));
    std::vector<std::uint32_t> ids;
    for (const auto& k : r.keys) ids.push_back(k.id);
    CHECK(ids == std::vector<std::uint32_t>{2, 3, 4, 5, 6});
    CHECK(r.keys[1].allowed[0].prefix_len == 32);
    CHECK(r.keys[2].secret == bytes("abc"));
    CHECK(r.keys[3].secret.size() == 11);  // 23 digits: 11 octets
}

TEST_CASE("long hex keys stop at 64 digits", "[keys_file]") {
    const std::string digits(70, 'f');
    const KeysFileResult r = parse_keys("9 SHA1 " + digits, "k");
    REQUIRE(r.keys.size() == 1);
    CHECK(r.keys[0].secret == std::vector<std::uint8_t>(32, 0xff));
    // Non-hex after the 64th digit is ignored, as in classic ntpd.
    const KeysFileResult r2 = parse_keys("9 SHA1 " + std::string(64, 'a') + "zz", "k");
    CHECK_FALSE(r2.rejected());
}

TEST_CASE("emergency break after more than 15 errors", "[keys_file]") {
    std::string text;
    for (int i = 0; i < 40; ++i) text += "0 MD5 x\n";
    const KeysFileResult r = parse_keys(text, "k");
    CHECK(r.error_count == 16);
    CHECK(r.verdict == "authreadkeys: rejecting file 'k' after 16 error(s) (emergency break)");
}

TEST_CASE("unreadable files and binary junk", "[keys_file]") {
    const KeysFileResult missing = read_keys_file("/nonexistent/dir/keys");
    CHECK(missing.rejected());
    CHECK_FALSE(missing.readable);
    CHECK(missing.verdict == "authreadkeys: file '/nonexistent/dir/keys': No such file or directory");
    CHECK(missing.diagnostics.at(0).to_string() ==
          "/nonexistent/dir/keys: error: No such file or directory");

    std::string junk;
    for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
    const KeysFileResult r = parse_keys(junk, "junk");  // must simply not crash
    CHECK(r.keys.size() <= 5000);
    CHECK(parse_keys("", "empty").keys.empty());
    CHECK_FALSE(parse_keys("", "empty").rejected());
}
