// ntp-keygen: symmetric keys for NTP authentication. -M writes a new keys
// file (10 MD5 and 10 SHA1 keys, classic ntp-keygen's format) in the current
// directory and points the ntp.keys link at it. Autokey (host keys,
// certificates, IFF/GQ/MV parameters) is not supported: its options are
// refused with a message and exit status 1.

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "keygen/md5_keys.hh"

namespace {

constexpr const char* kLinkName = "ntp.keys";

int usage(const char* progname) {
    std::fprintf(stderr,
                 "usage: %s -M\n"
                 "  -M  write a new symmetric keys file (10 MD5 and 10 SHA1 keys) and the\n"
                 "      ntp.keys link to it, in the current directory\n"
                 "Autokey is not supported: no host keys, certificates or identity schemes.\n",
                 progname);
    return 1;
}

bool write_file(const std::string& name, const std::string& text) {
    mode_t old = ::umask(S_IWGRP | S_IRWXO);
    FILE* f = std::fopen(name.c_str(), "w");
    ::umask(old);
    if (f == nullptr) {
        std::fprintf(stderr, "Write: %s\n", std::strerror(errno));
        return false;
    }
    bool ok = std::fputs(text.c_str(), f) >= 0;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) std::fprintf(stderr, "Write: %s\n", std::strerror(errno));
    return ok;
}

int generate_md5() {
    char host[256] = "";
    ::gethostname(host, sizeof host - 1);
    std::time_t now = std::time(nullptr);
    std::string name = keygen::md5_file_name(host, now);
    auto random = [](std::uint8_t& out) { return RAND_bytes(&out, 1) == 1; };
    std::string text = keygen::md5_keys_text(name, now, random);
    if (text.empty()) {
        std::fprintf(stderr, "RAND_bytes failed.\n");
        return 1;
    }
    std::fprintf(stderr, "Using OpenSSL version %s\n", OpenSSL_version(OPENSSL_VERSION));
    if (!write_file(name, text)) return 1;
    std::remove(kLinkName);
    if (::symlink(name.c_str(), kLinkName) != 0) std::fprintf(stderr, "MD5key: %s\n", std::strerror(errno));
    std::fprintf(stderr, "Generating new md5 file and link\n%s->%s\n", kLinkName, name.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const char* progname = argc > 0 ? argv[0] : "ntp-keygen";
    bool md5 = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-M" || a == "--md5key") {
            md5 = true;
        } else if (a == "-?" || a == "--help") {
            usage(progname);
            return 0;
        } else {
            std::fprintf(stderr, "%s: %s: Autokey is not supported; only -M (symmetric keys) is\n", progname,
                         a.c_str());
            return 1;
        }
    }
    if (!md5) {
        std::fprintf(stderr, "%s: Autokey is not supported; use -M for symmetric keys\n", progname);
        return 1;
    }
    return generate_md5();
}
