#include "ntpwait/wait.hh"

#include <catch2/catch.hpp>
#include <deque>
#include <vector>

namespace {

constexpr std::uint16_t unsynced = 0xc021;    // leap_alarm, sync_unspec
constexpr std::uint16_t synced = 0x0615;   // leap_none, sync_ntp
constexpr std::uint16_t add_sec = 0x4615;  // leap_add_sec

struct Fake {
    explicit Fake(std::deque<std::optional<std::uint16_t>> r) : replies(std::move(r)) {}
    std::deque<std::optional<std::uint16_t>> replies;
    std::vector<long long> sleeps;
    std::string out;
    int reads = 0;

    int run(const ntpwait::Options& o) {
        return ntpwait::run(
            o,
            [this]() -> std::optional<std::uint16_t> {
                ++reads;
                auto r = replies.front();
                if (replies.size() > 1) replies.pop_front();
                return r;
            },
            [this](long long s) { sleeps.push_back(s); }, [this](std::string_view s) { out += s; });
    }
};

ntpwait::Options opts(long long tries, long long sleep_s, bool verbose) {
    return {tries, sleep_s, verbose};
}

}  // namespace

TEST_CASE("synchronised after two alarms: marks, sleeps between reads, OK") {
    Fake f({unsynced, unsynced, synced});
    CHECK(f.run(opts(5, 2, true)) == 0);
    CHECK(f.out == "Waiting for ntpd to synchronize...  \b+\b:\bOK!\n");
    CHECK(f.sleeps == std::vector<long long>{2, 2});
}

TEST_CASE("quiet mode prints nothing on success or timeout") {
    Fake ok({add_sec});
    CHECK(ok.run(opts(5, 2, false)) == 0);
    CHECK(ok.out.empty());
    Fake never({unsynced});
    CHECK(never.run(opts(3, 1, false)) == 1);
    CHECK(never.out.empty());
    CHECK(never.reads == 3);
    CHECK(never.sleeps.size() == 2);  // no sleep after the last read
}

TEST_CASE("gives up after the last try with classic's text") {
    Fake f({unsynced});
    CHECK(f.run(opts(4, 0, true)) == 1);
    CHECK(f.out == "Waiting for ntpd to synchronize...  \b+\b:\b.\b*\bNo!\nntpd did not synchronize.\n");
    CHECK(f.sleeps.empty());  // -s 0
    Fake none({synced});
    CHECK(none.run(opts(0, 6, true)) == 1);
    CHECK(none.reads == 0);
}

TEST_CASE("no reply ends the wait at once, verbose or not") {
    Fake f({unsynced, std::nullopt});
    CHECK(f.run(opts(10, 1, false)) == 1);
    CHECK(f.out == "\bLeap status not avalaible\n");
    CHECK(f.reads == 2);
}

TEST_CASE("command line: defaults, values, help and errors") {
    auto d = ntpwait::parse_command_line(std::vector<std::string>{});
    CHECK(d.run);
    CHECK(d.options.tries == 100);
    CHECK(d.options.sleep_s == 6);
    CHECK_FALSE(d.options.verbose);

    auto s = ntpwait::parse_command_line(std::vector<std::string>{"-n", "2", "--sleep=1", "-v", "extra"});
    CHECK(s.run);
    CHECK(s.options.tries == 2);
    CHECK(s.options.sleep_s == 1);
    CHECK(s.options.verbose);

    auto h = ntpwait::parse_command_line(std::vector<std::string>{"-?"});
    CHECK_FALSE(h.run);
    CHECK(h.exit_code == 0);
    CHECK(h.err == ntpwait::usage_text());

    auto e = ntpwait::parse_command_line(std::vector<std::string>{"-x", "-n", "abc"});
    CHECK_FALSE(e.run);
    CHECK(e.exit_code == 1);
    CHECK(e.err == "Unknown option: x\nValue \"abc\" invalid for option n (number expected)\n" +
                       ntpwait::usage_text());
}
