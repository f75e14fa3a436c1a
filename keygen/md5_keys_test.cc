#include "keygen/md5_keys.hh"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "libntp/auth/keys_file.hh"

namespace {

// Counts up through every octet value, so rejected characters come up too.
keygen::RandomOctet counter() {
    return [n = std::uint8_t{0}](std::uint8_t& out) mutable {
        out = n++;
        return true;
    };
}

}  // namespace

TEST_CASE("ntp-keygen: the file name carries the NTP seconds") {
    CHECK(keygen::md5_file_name("vm", 1796651365) == "ntpkey_MD5key_vm.4005640165");
}

TEST_CASE("ntp-keygen: classic's layout, and the file loads as a keys file") {
    ::setenv("TZ", "UTC", 1);
    std::string text = keygen::md5_keys_text("ntpkey_MD5key_vm.4005640165", 1796651365, counter());
    CHECK(text.rfind("# ntpkey_MD5key_vm.4005640165\n# Mon Dec  7 13:49:25 2026\n\n 1 MD5 ", 0) == 0);
    CHECK(text.find("\n 1 MD5 !\"$%&'()*+,-./012345  # MD5 key\n") != std::string::npos);
    CHECK(text.find("\n10 MD5 ") != std::string::npos);
    CHECK(text.find("\n11 SHA1 ") != std::string::npos);
    CHECK(text.find("  # SHA1 key\n") != std::string::npos);
    ntp::auth::KeysFileResult keys = ntp::auth::parse_keys(text, "generated");
    REQUIRE_FALSE(keys.rejected());
    REQUIRE(keys.keys.size() == 20);
}

TEST_CASE("ntp-keygen: a failing random source writes nothing") {
    auto broken = [](std::uint8_t&) { return false; };
    CHECK(keygen::md5_keys_text("x", 0, broken).empty());
}
