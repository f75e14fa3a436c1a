#include "libntp/io/event_loop.hh"

#include <event2/event.h>

#include <atomic>
#include <cerrno>
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

namespace {

// The base whose wait a signal handler breaks. event_base_loopbreak() is only
// a store into the base when the base has no lock (EVENT_BASE_FLAG_NOLOCK,
// set below) and no other thread runs the loop, which makes it safe to call
// from a handler: it takes no lock and, without a notification fd, writes
// nothing anywhere.
std::atomic<event_base*> g_signal_base{nullptr};

event_base* new_unlocked_base() {
    event_config* cfg = event_config_new();
    if (cfg == nullptr) return nullptr;
    event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
    event_base* base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    return base;
}

}  // namespace

EventLoop::EventLoop() : base_(new_unlocked_base()) {
    if (base_ == nullptr) throw std::runtime_error("cannot create the libevent event base");
}

EventLoop::~EventLoop() {
    event_base* self = base_;
    g_signal_base.compare_exchange_strong(self, nullptr);
    event_base_free(base_);
}

void EventLoop::run() {
    for (;;) {
        deliver_signals();
        if (stop_requested_) {
            stop_requested_ = false;  // the loop may be run again
            return;
        }
        // EVLOOP_ONCE: back here after every wake-up that ran callbacks, so a
        // signal recorded while they ran (or in the window described in the
        // header) is delivered now rather than at the next break.
        int rc = event_base_loop(base_, EVLOOP_ONCE);
        if (rc < 0) return;
        if (rc == 1) {  // nothing left to wait for
            deliver_signals();
            stop_requested_ = false;
            return;
        }
    }
}

void EventLoop::stop() {
    stop_requested_ = true;
    event_base_loopbreak(base_);
}

void EventLoop::on_signals(std::function<void(int)> cb) {
    on_signal_ = std::move(cb);
    SignalFlags::install();
    g_signal_base.store(base_);
}

void EventLoop::deliver_signals() {
    if (!on_signal_) return;
    while (int signo = SignalFlags::take()) {
        on_signal_(signo);
        if (stop_requested_) return;
    }
}

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
// Delivery order of take(): what only changes settings before what ends.
constexpr int kCaught[] = {SIGHUP, SIGUSR1, SIGUSR2, SIGINT, SIGQUIT, SIGTERM};
constexpr std::size_t kCaughtCount = sizeof kCaught / sizeof kCaught[0];

// The process-wide state a signal handler may touch: one flag per signal, so
// a SIGHUP followed at once by a SIGTERM loses neither.
volatile std::sig_atomic_t g_pending[kCaughtCount] = {};

static_assert(std::atomic<event_base*>::is_always_lock_free,
              "a signal handler may only read a lock-free atomic");

extern "C" void record_signal(int signo) {
    const int saved_errno = errno;
    for (std::size_t i = 0; i < kCaughtCount; ++i) {
        if (kCaught[i] == signo) g_pending[i] = 1;
    }
    if (event_base* base = g_signal_base.load()) event_base_loopbreak(base);
    errno = saved_errno;
}
}  // namespace

void SignalFlags::install() {
    struct sigaction sa {};
    sa.sa_handler = record_signal;
    sigemptyset(&sa.sa_mask);
    // No SA_RESTART: a signal during poll() must end the wait (EINTR).
    for (int signo : kCaught) sigaction(signo, &sa, nullptr);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
}

int SignalFlags::take() {
    for (std::size_t i = 0; i < kCaughtCount; ++i) {
        if (g_pending[i] != 0) {
            g_pending[i] = 0;
            return kCaught[i];
        }
    }
    return 0;
}

}  // namespace ntp::io
