#include "libntp/io/event_loop.hh"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>

#include "libntp/io/unique_fd.hh"

using namespace std::chrono_literals;
using ntp::io::EventLoop;

TEST_CASE("a one-shot timer fires once and the loop then ends") {
    EventLoop loop;
    int fired = 0;
    auto t = loop.once(1ms, [&] { ++fired; });
    loop.run();
    CHECK(fired == 1);
}

TEST_CASE("a repeating timer fires until its handle is cancelled") {
    EventLoop loop;
    int fired = 0;
    ntp::io::EventHandle repeat;
    repeat = loop.every(1ms, [&] {
        if (++fired == 3) repeat.cancel();
    });
    loop.run();
    CHECK(fired == 3);
    CHECK_FALSE(repeat.active());
}

TEST_CASE("dropping a handle before it fires cancels it") {
    EventLoop loop;
    bool fired = false;
    {
        auto t = loop.once(1ms, [&] { fired = true; });
    }
    loop.run();
    CHECK_FALSE(fired);
}

TEST_CASE("a readable fd wakes its watcher") {
    EventLoop loop;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ntp::io::UniqueFd rd(fds[0]), wr(fds[1]);
    REQUIRE(::write(wr.get(), "x", 1) == 1);
    int woke = 0;
    ntp::io::EventHandle watch;
    watch = loop.on_readable(rd.get(), [&] {
        char c;
        REQUIRE(::read(rd.get(), &c, 1) == 1);
        ++woke;
        watch.cancel();
    });
    loop.run();
    CHECK(woke == 1);
}

TEST_CASE("signals are recorded as flags, not delivered into the loop") {
    ntp::io::SignalFlags::install();
    CHECK(ntp::io::SignalFlags::take() == 0);
    std::raise(SIGUSR1);
    CHECK(ntp::io::SignalFlags::take() == SIGUSR1);
    CHECK(ntp::io::SignalFlags::take() == 0);
}
