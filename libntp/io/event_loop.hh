#pragma once
// The event loop: the only module that includes libevent. Everything else is
// driven by callbacks from here, so the protocol core runs without it in tests.
//
// Constraints kept for the LD_PRELOAD clock/network simulator: libevent's poll
// backend must work (EVENT_NOEPOLL=1 is honoured by libevent itself), and no
// libevent signal events or self-pipes are used (the simulator reports any
// real fd as always readable). Signals are caught with sigaction: the handler
// records the signal and breaks the loop out of its wait, and run() hands the
// recorded signals to the callback given to on_signals() before it waits again
// (see run() for the one narrow window this leaves).

#include <chrono>
#include <functional>
#include <memory>

struct event_base;
struct event;

namespace ntp::io {

class EventLoop;

// A timer or fd watch; removing the handle cancels it. Movable, not copyable.
class EventHandle {
public:
    EventHandle();
    ~EventHandle();
    EventHandle(EventHandle&& other) noexcept;
    EventHandle& operator=(EventHandle&& other) noexcept;
    EventHandle(const EventHandle&) = delete;
    EventHandle& operator=(const EventHandle&) = delete;

    bool active() const { return ev_ != nullptr; }
    void cancel();

    struct Callback;  // opaque; defined in event_loop.cc

private:
    friend class EventLoop;
    explicit EventHandle(event* ev, std::unique_ptr<Callback> cb);
    event* ev_ = nullptr;
    std::unique_ptr<Callback> cb_;
};

class EventLoop {
public:
    using Callback = std::function<void()>;

    // Throws std::runtime_error when libevent cannot create a base.
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Run until stop() is called or nothing is left to wait for. Every return
    // from libevent (any wake-up that ran a callback, or a signal that broke
    // the wait) is followed by the delivery of the recorded signals.
    //
    // The window left: libevent clears its break flag on entry and checks it
    // once before each wait, so a signal landing between that check and the
    // poll() itself does not cut the wait short; it is delivered after the
    // next wake-up of any kind (the daemon always has a timer within a
    // second). Closing it would need ppoll() or a self-pipe, neither of which
    // the simulator can drive.
    void run();
    void stop();

    // Installs sigaction handlers for SIGHUP, SIGINT, SIGQUIT, SIGTERM,
    // SIGUSR1 and SIGUSR2 (and ignores SIGPIPE); run() calls `cb` with each
    // signal received, once per signal number however often it came, hang-up
    // and debug signals before the terminating ones. One loop per process.
    void on_signals(std::function<void(int)> cb);

    // Call `cb` once after `delay`.
    EventHandle once(std::chrono::microseconds delay, Callback cb);
    // Call `cb` every `interval` until the handle is dropped.
    EventHandle every(std::chrono::microseconds interval, Callback cb);
    // Call `cb` whenever `fd` is readable, until the handle is dropped.
    EventHandle on_readable(int fd, Callback cb);

    // Name of the libevent backend in use ("poll", "epoll", ...).
    const char* backend() const;

private:
    EventHandle add(int fd, short what, std::chrono::microseconds timeout, Callback cb);
    void deliver_signals();
    event_base* base_;
    bool stop_requested_ = false;
    std::function<void(int)> on_signal_;
};

// The async-signal-safe record behind EventLoop::on_signals(), usable alone
// (without a loop to wake) by code that only polls it.
class SignalFlags {
public:
    // Installs the handlers (see EventLoop::on_signals) without a loop to break.
    static void install();
    // Returns one recorded signal and clears it (hang-up and debug signals
    // first), or 0 when none is pending.
    static int take();
};

}  // namespace ntp::io
