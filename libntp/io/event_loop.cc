#include "libntp/io/event_loop.hh"

#include <event2/event.h>

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <utility>

namespace ntp::io {

struct EventHandle::Callback {
    EventLoop::Callback fn;
    bool repeating = false;
};

namespace {

timeval to_timeval(std::chrono::microseconds us) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(us.count() / 1'000'000);
    tv.tv_usec = static_cast<suseconds_t>(us.count() % 1'000'000);
    return tv;
}

void trampoline(evutil_socket_t, short, void* arg) {
    auto* cb = static_cast<EventHandle::Callback*>(arg);
    // Copy first: the callback may drop the handle that owns `cb`.
    auto fn = cb->fn;
    fn();
}

}  // namespace

EventHandle::EventHandle(event* ev, std::unique_ptr<Callback> cb) : ev_(ev), cb_(std::move(cb)) {}

EventHandle::EventHandle() = default;

EventHandle::~EventHandle() { cancel(); }

EventHandle::EventHandle(EventHandle&& other) noexcept
    : ev_(std::exchange(other.ev_, nullptr)), cb_(std::move(other.cb_)) {}

EventHandle& EventHandle::operator=(EventHandle&& other) noexcept {
    if (this != &other) {
        cancel();
        ev_ = std::exchange(other.ev_, nullptr);
        cb_ = std::move(other.cb_);
    }
    return *this;
}

void EventHandle::cancel() {
    if (ev_ != nullptr) {
        event_free(ev_);  // also deletes a pending event
        ev_ = nullptr;
    }
    cb_.reset();
}

EventLoop::EventLoop() : base_(event_base_new()) {
    if (base_ == nullptr) throw std::runtime_error("cannot create the libevent event base");
}

EventLoop::~EventLoop() { event_base_free(base_); }

void EventLoop::run() { event_base_dispatch(base_); }

void EventLoop::stop() { event_base_loopbreak(base_); }

const char* EventLoop::backend() const { return event_base_get_method(base_); }

EventHandle EventLoop::add(int fd, short what, std::chrono::microseconds timeout, Callback cb) {
    auto holder = std::make_unique<EventHandle::Callback>();
    holder->fn = std::move(cb);
    holder->repeating = (what & EV_PERSIST) != 0;
    event* ev = event_new(base_, fd, what, trampoline, holder.get());
    if (ev == nullptr) throw std::runtime_error("cannot allocate a libevent event");
    timeval tv = to_timeval(timeout);
    bool timed = (what & EV_TIMEOUT) != 0 || fd < 0;
    if (event_add(ev, timed ? &tv : nullptr) != 0) {
        event_free(ev);
        throw std::runtime_error("cannot add a libevent event");
    }
    return EventHandle(ev, std::move(holder));
}

EventHandle EventLoop::once(std::chrono::microseconds delay, Callback cb) {
    return add(-1, 0, delay, std::move(cb));
}

EventHandle EventLoop::every(std::chrono::microseconds interval, Callback cb) {
    return add(-1, EV_PERSIST, interval, std::move(cb));
}

EventHandle EventLoop::on_readable(int fd, Callback cb) {
    return add(fd, EV_READ | EV_PERSIST, std::chrono::microseconds{0}, std::move(cb));
}

namespace {
// The one piece of process-wide state a signal handler may touch.
volatile std::sig_atomic_t g_last_signal = 0;

extern "C" void record_signal(int signo) { g_last_signal = signo; }
}  // namespace

void SignalFlags::install() {
    struct sigaction sa {};
    sa.sa_handler = record_signal;
    sigemptyset(&sa.sa_mask);
    for (int signo : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2}) {
        sigaction(signo, &sa, nullptr);
    }
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
}

int SignalFlags::take() {
    int signo = g_last_signal;
    g_last_signal = 0;
    return signo;
}

}  // namespace ntp::io
