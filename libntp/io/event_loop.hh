#pragma once
// The event loop: the only module that includes libevent. Everything else is
// driven by callbacks from here, so the protocol core runs without it in tests.
//
// Constraints kept for the LD_PRELOAD clock/network simulator: libevent's poll
// backend must work (EVENT_NOEPOLL=1 is honoured by libevent itself), and no
// libevent signal events are used: signals set a flag with sigaction and a
// periodic timer polls it (see SignalFlags).

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

    // Run until stop() is called or nothing is left to wait for.
    void run();
    void stop();

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
    event_base* base_;
};

// Async-signal-safe flags: install() puts sigaction handlers for the listed
// signals; the daemon checks take() from a timer.
class SignalFlags {
public:
    // Installs handlers for SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2
    // and ignores SIGPIPE. Only one SignalFlags may be installed per process.
    static void install();
    // Returns the number of the last signal received and clears it, or 0.
    static int take();
};

}  // namespace ntp::io
