#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>

#include "tests/support/fake_mode6_server.hh"

using namespace ntpq;
using test::FakeServer;

namespace {

const ntp::wire::NtpTime capture_now(0xeeaca8f3LL, 0);

const char* const sys_vars =
    "version=\"ntpd 4.3.91\", leap=3, stratum=3, precision=-24, rootdelay=0.058,\r\n"
    "rootdisp=1.045, refid=10.200.0.1, reftime=0xeeaca8ef.825536d9, peer=11100, tc=6\r\n";

// A small classic-looking daemon: two associations, system variables,
// BADASSOC for unknown IDs, UNKNOWNVAR for unknown names.
FakeServer::Reply fake_daemon(const ntp::wire::mode6::Message& req, std::string_view data) {
    FakeServer::Reply r;
    const auto op = req.header.opcode;
    const auto assoc = req.header.assoc_id;
    if (op == 1 && assoc == 0) {
        r.status = 0xc616;
        r.text = test::assoc_list({{11101, 0x8011}, {11100, 0x963a}});
        return r;
    }
    if (op == 2 && assoc == 0) {
        r.status = 0xc616;
        if (data.empty()) r.text = sys_vars;
        else if (data == "stratum,offset") r.text = "stratum=3, offset=0.000000\r\n";
        else r.error = 5;
        return r;
    }
    if ((op == 2 || op == 4) && (assoc == 11100 || assoc == 11101)) {
        r.status = assoc == 11100 ? 0x963a : 0x8011;
        r.text = "srcadr=" + std::string(assoc == 11100 ? "10.200.0.1" : "127.127.1.0") +
                 ", stratum=2\r\n";
        return r;
    }
    if (op == 11) {
        r.text = "addr.0=127.0.0.1:123, bcast.0=, en.0=1, flags.0=0x5, tl.0=0, mc.0=0,"
                 " name.0=\"lo\", rx.0=1, tx.0=1, txerr.0=0, pc.0=0, up.0=5";
        return r;
    }
    r.error = 4;
    return r;
}

}  // namespace

TEST_CASE("associations, &N indexes and readvar") {
    test::Harness h(fake_daemon, capture_now);
    CHECK(h.run("as") ==
          "\nind assid status  conf reach auth condition  last_event cnt\n"
          "===========================================================\n"
          "  1 11100  963a   yes   yes  none  sys.peer    sys_peer  3\n"
          "  2 11101  8011   yes    no  none    reject    mobilize  1\n");
    CHECK(h.run("rv &1") ==
          "associd=11100 status=963a conf, reach, sel_sys.peer, 3 events, sys_peer,\n"
          "srcadr=10.200.0.1, stratum=2\n");
    // Past the end: clamped to the last association, no error (classic).
    CHECK(h.run("rv &9999").rfind("associd=11101 status=8011", 0) == 0);
    CHECK(h.err.str().empty());
    CHECK(h.run("cv &2").rfind("associd=11101 status=8011 1 event, clk_no_reply,\n", 0) == 0);
}

TEST_CASE("&N fetches the association list silently when none is cached") {
    test::Harness h(fake_daemon, capture_now);
    CHECK(h.run("rv &2").rfind("associd=11101 ", 0) == 0);
    CHECK(h.err.str().empty());
    CHECK(h.server->requests.size() == 2);
}

TEST_CASE("readvar with names, errors and classic messages") {
    test::Harness h(fake_daemon, capture_now);
    CHECK(h.run("rv 0 stratum,offset") == "stratum=3, offset=0.000000\n");
    CHECK(h.run("rv 0 nosuchvar").empty());
    CHECK(h.err.str() == "***A request variable unknown to the server\n");
    CHECK(h.run("rv 9999").empty());
    CHECK(h.err.str() == "***Association ID 9999 unknown to server\n");
    CHECK(h.run("rv 70000").empty());
    CHECK(h.err.str() == "***Invalid association ID 70000 specified\n");
    CHECK(h.run("rv stratum").empty());
    CHECK(h.err.str() == "***Illegal unsigned value stratum\n");
    CHECK(h.run("pstats 0").empty());
    CHECK(h.err.str() == "***Invalid association ID 0 specified\n");
    CHECK(h.run("rv").rfind("associd=0 status=c616 leap_alarm, sync_ntp, 1 event, restart,\n"
                            "version=\"ntpd 4.3.91\", leap=11, stratum=3,",
                            0) == 0);
}

TEST_CASE("--old-rv always prints the status line") {
    SessionSettings s;
    s.old_rv = true;
    test::Harness h(fake_daemon, capture_now, false, {{"127.0.0.1", 0}}, s);
    CHECK(h.run("rv 0 stratum,offset") ==
          "associd=0 status=c616 leap_alarm, sync_ntp, 1 event, restart,\n"
          "stratum=3, offset=0.000000\n");
}

TEST_CASE("raw mode prints the server text") {
    test::Harness h(fake_daemon, capture_now);
    CHECK(h.run("raw") == "Output set to raw\n");
    CHECK(h.run("rv") == std::string("associd=0 status=0xc616,\n") +
                             "version=\"ntpd 4.3.91\", leap=3, stratum=3, precision=-24, rootdelay=0.058,\n"
                             "rootdisp=1.045, refid=10.200.0.1, reftime=0xeeaca8ef.825536d9, peer=11100, tc=6\n");
    CHECK(h.run("cooked") == "Output set to cooked\n");
}

TEST_CASE("no answer: two tries, then classic timeout messages") {
    test::Harness h([](const auto&, auto) { FakeServer::Reply r; r.silent = true; return r; },
                    capture_now);
    CHECK(h.run("rv").empty());
    CHECK(h.err.str() == "127.0.0.1: timed out, nothing received\n***Request timed out\n");
    REQUIRE(h.server->requests.size() == 2);
    CHECK(h.server->requests[0] == h.server->requests[1]);  // same sequence on retry
}

TEST_CASE("incomplete answers are retried with a new sequence") {
    int calls = 0;
    test::Harness h(
        [&calls](const ntp::wire::mode6::Message& req, std::string_view) {
            FakeServer::Reply r;
            ++calls;
            auto hdr = req.header;
            hdr.response = true;
            hdr.more = true;  // a first fragment whose rest never comes
            r.datagrams.push_back(ntp::wire::mode6::encode_message(hdr, std::string_view("a=1,")));
            return r;
        },
        capture_now);
    CHECK(h.run("rv").empty());
    CHECK(h.err.str() == "127.0.0.1: timed out with incomplete data\n"
                         "***Response from server was incomplete\n");
    REQUIRE(h.server->requests.size() == 2);
    CHECK(h.server->requests[0][3] + 1 == h.server->requests[1][3]);
}

TEST_CASE("hostile replies are ignored or rejected, never trusted") {
    test::Harness h(
        [](const ntp::wire::mode6::Message& req, std::string_view) {
            namespace m6 = ntp::wire::mode6;
            FakeServer::Reply r;
            auto hdr = req.header;
            hdr.response = true;
            // Wrong sequence, wrong opcode, not a response, short, unpadded,
            // then one claiming more data than it carries.
            auto bad_seq = hdr;
            bad_seq.sequence = static_cast<std::uint16_t>(hdr.sequence + 1);
            r.datagrams.push_back(m6::encode_message(bad_seq, std::string_view("x=1")));
            auto bad_op = hdr;
            bad_op.opcode = 9;
            r.datagrams.push_back(m6::encode_message(bad_op, std::string_view("x=1")));
            auto request = hdr;
            request.response = false;
            r.datagrams.push_back(m6::encode_message(request, std::string_view("x=1")));
            r.datagrams.push_back({0x16, 0x82});
            auto odd = m6::encode_message(hdr, std::string_view("x=1"));
            odd.push_back(0);
            r.datagrams.push_back(odd);
            auto liar = m6::encode_message(hdr, std::string_view("x=1"));
            liar[10] = 0x01;  // count 256+3, only 4 octets follow
            r.datagrams.push_back(liar);
            return r;
        },
        capture_now);
    CHECK(h.run("rv").empty());
    CHECK(h.out.str().empty());
    CHECK(h.err.str().find("***Response from server was incomplete\n") != std::string::npos);
}

TEST_CASE("a huge fragment offset is 'too much data'") {
    test::Harness h(
        [](const ntp::wire::mode6::Message& req, std::string_view) {
            FakeServer::Reply r;
            auto hdr = req.header;
            hdr.response = true;
            hdr.offset = 60000;
            r.datagrams.push_back(ntp::wire::mode6::encode_message(hdr, std::string_view("x=1")));
            return r;
        },
        capture_now);
    h.run("rv");
    CHECK(h.err.str() == "***Buffer size exceeded for returned data\n");
}

TEST_CASE("command lookup, usage and help") {
    test::Harness h(fake_daemon, capture_now);
    h.run("frobnicate");
    CHECK(h.err.str() == "***Command `frobnicate' unknown\n");
    h.run("p");
    CHECK(h.err.str() == "***Command `p' ambiguous\n");
    h.run("pst");
    CHECK(h.err.str() == "usage: pstats assocID\n");
    CHECK(h.run("help rv") == "function: read system or peer variables\n"
                              "usage: rv [ assocID ] [ varname1 ] [ varname2 ] [ varname3 ]\n");
    const std::string help = h.run("help");
    CHECK(help.rfind("ntpq commands:\n", 0) == 0);
    CHECK(help.find(":config") != std::string::npos);
    CHECK(help.find("timerstats") != std::string::npos);
    CHECK(h.run("ntpv") == "NTP version being claimed is 2\n");
    h.run("ntpversion 9");
    CHECK(h.err.str() == "versions 1 to 4, please\n");
    CHECK(h.run("timeout") == "primary timeout 5000 ms\n");
    h.run("timeout 1500");
    CHECK(h.run("timeout") == "primary timeout 1500 ms\n");
    CHECK(h.run("keyid") == "no keyid defined\n");
    h.run("keyid 7");
    CHECK(h.run("keyid") == "keyid is 7\n");
    CHECK(h.run("keytype") == "keytype is MD5 with 16 octet digests\n");
    h.run("keytype sha1");
    CHECK(h.run("keytype") == "keytype is SHA1 with 20 octet digests\n");
    CHECK(h.run("hostnames") == "hostnames being shown\n");
    h.run("hostnames no");
    CHECK(h.run("hostnames") == "hostnames not being shown\n");
    CHECK(h.run("poll") == "poll not implemented yet\n");
    CHECK(h.run("host") == "current host is 127.0.0.1\n");
    CHECK(h.run("authenticate") == "unauthenticated requests being sent\n");
    CHECK(h.run("debug more") == "debug level set to 1\n");
    h.run("addvars stratum,offset=1");
    CHECK(h.run("showvars") == "stratum\noffset=1\n");
    h.run("rmvars nosuch");
    CHECK(h.err.str() == "Variable `nosuch' not found\n");
    h.run("clearvars");
    CHECK(h.run("showvars") == "No variables on list\n");
    h.run("rv 0 a b c d e");
    CHECK(h.err.str().find("***Extra arg `e' ignored\n") != std::string::npos);
    h.run("quit");
    CHECK(h.session->quit_requested());
}

TEST_CASE("authenticated commands ask for a key, like classic") {
    test::Harness h(fake_daemon, capture_now);
    // No key typed (stdin not a terminal): classic prints the prompt and gives up.
    CHECK(h.run("ifstats").empty());
    CHECK(h.err.str() == "Keyid: Invalid key identifier\n");
    CHECK(h.server->requests.empty());

    h.typed = {"1", "secret"};
    const std::string out = h.run("ifstats");
    CHECK(h.err.str() == "Keyid: MD5 Password: ");
    CHECK(out.find("  0 lo ") != std::string::npos);
    REQUIRE(h.server->requests.size() == 1);
    const auto& req = h.server->requests[0];
    // 12 octets of header padded to 16, key ID 1, 16 octets of MD5(key || packet).
    REQUIRE(req.size() == 16 + 4 + 16);
    CHECK(req[16] == 0);
    CHECK(req[19] == 1);
    std::vector<std::uint8_t> input{'s', 'e', 'c', 'r', 'e', 't'};
    input.insert(input.end(), req.begin(), req.begin() + 16);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), md, &len, EVP_md5(), nullptr);
    CHECK(std::equal(md, md + 16, req.begin() + 20));
}

TEST_CASE("output redirection to a file") {
    test::Harness h(fake_daemon, capture_now);
    char path[] = "/tmp/ntpq-test-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK(h.run(std::string("rv 0 stratum,offset > ") + path).empty());
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    CHECK(line == "stratum=3, offset=0.000000");
    std::remove(path);
    h.run("rv 0 stratum >/nonexistent-dir/x");
    CHECK(h.err.str().rfind("***Error opening /nonexistent-dir/x: ", 0) == 0);
}

TEST_CASE("several hosts prefix messages with server=") {
    test::Harness h(fake_daemon, capture_now, true, {{"127.0.0.1", 0}, {"127.0.0.2", 0}});
    CHECK(h.run("rv 0 stratum,offset") == "server=127.0.0.1 stratum=3, offset=0.000000\n");
    h.run("rv 9999");
    CHECK(h.err.str() == "server=127.0.0.1 ***Association ID 9999 unknown to server\n");
}
