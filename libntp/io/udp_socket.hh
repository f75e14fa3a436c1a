#pragma once
// UDP sockets for ntpd's server path and its client associations.
//
// The server path reads and writes in batches (recvmmsg/sendmmsg where the
// C library has them, a recvmsg/sendmsg loop otherwise) into buffers that are
// allocated once per batch object, so serving a packet allocates nothing.
// Receive timestamps come from the kernel (SO_TIMESTAMPNS); when a datagram
// arrives without one (an LD_PRELOAD network simulator, an old kernel) the
// caller's clock is read once for the batch instead.
//
// Only plain libc calls are used (no raw syscalls), so a simulator that
// interposes libc can drive the daemon unmodified.

#include <sys/socket.h>
#include <sys/uio.h>

#include <ctime>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/io/unique_fd.hh"

namespace ntp::io {

// One received datagram; `data` points into the owning RecvBatch and stays
// valid until the next receive() into that batch.
struct Datagram {
    std::span<const std::uint8_t> data;
    Endpoint source;
    timespec rx_time{};
    bool kernel_timestamp = false;  // rx_time came from SO_TIMESTAMPNS
    bool truncated = false;         // larger than the slot buffer: treat as oversize
};

// socket() with SOCK_CLOEXEC, and SOCK_NONBLOCK when `nonblocking`. A kernel
// or an interposed C library that refuses the type flags (EINVAL) gets a plain
// socket() followed by fcntl(). `make` stands in for ::socket (tests).
using SocketCall = int (*)(int domain, int type, int protocol);
UniqueFd open_socket(int domain, int type, bool nonblocking, SocketCall make = ::socket);

class RecvBatch {
public:
    // `capacity` datagrams of at most `buffer_size` octets each.
    explicit RecvBatch(std::size_t capacity = 32, std::size_t buffer_size = 2048);
    RecvBatch(const RecvBatch&) = delete;
    RecvBatch& operator=(const RecvBatch&) = delete;

    std::size_t capacity() const { return capacity_; }
    std::size_t size() const { return count_; }
    const Datagram& operator[](std::size_t i) const { return datagrams_[i]; }
    auto begin() const { return datagrams_.begin(); }
    auto end() const { return datagrams_.begin() + static_cast<std::ptrdiff_t>(count_); }

private:
    friend class UdpSocket;
    std::size_t capacity_;
    std::size_t buffer_size_;
    std::size_t count_ = 0;
    std::vector<std::uint8_t> buffers_;
    std::vector<std::uint8_t> controls_;
    std::vector<Datagram> datagrams_;
    std::vector<mmsghdr> headers_;
    std::vector<iovec> iovecs_;
    std::vector<sockaddr_storage> addrs_;
};

class SendBatch {
public:
    explicit SendBatch(std::size_t capacity = 32, std::size_t buffer_size = 2048);
    SendBatch(const SendBatch&) = delete;
    SendBatch& operator=(const SendBatch&) = delete;

    bool full() const { return count_ == capacity_; }
    std::size_t size() const { return count_; }
    // Scratch space for the next datagram (buffer_size octets); empty when full.
    std::span<std::uint8_t> next_buffer();
    // Queue the first `length` octets of next_buffer() for `dest`.
    void commit(std::size_t length, const Endpoint& dest);
    void clear() { count_ = 0; }

private:
    friend class UdpSocket;
    std::size_t capacity_;
    std::size_t buffer_size_;
    std::size_t count_ = 0;
    std::vector<std::uint8_t> buffers_;
    std::vector<std::size_t> lengths_;
    std::vector<Endpoint> dests_;
    std::vector<mmsghdr> headers_;
    std::vector<iovec> iovecs_;
    std::vector<sockaddr_storage> addrs_;
};

struct SocketCounters {
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::uint64_t send_failed = 0;
    std::uint64_t receive_errors = 0;
    std::uint64_t truncated = 0;
};

class UdpSocket {
public:
    struct Options {
        // SO_REUSEADDR while binding, so the wildcard and per-address sockets
        // can share port 123; turn it off with finish_setup() afterwards so a
        // second program (ntpdate) sees "address in use".
        bool reuse_addr = true;
        // SO_REUSEPORT: several sockets (worker threads) on one address.
        bool reuse_port = false;
        bool kernel_timestamps = true;
        // DSCP code point (IP_TOS = dscp << 2); negative leaves the default.
        int dscp = -1;
    };

    UdpSocket() = default;
    // Creates, configures and binds. Throws std::system_error naming the
    // address on failure (a start-up error).
    static UdpSocket bind(const Endpoint& local, const Options& options);
    static UdpSocket bind(const Endpoint& local) { return bind(local, Options{}); }

    // Turns SO_REUSEADDR off once every socket is bound (classic ntpd does
    // the same, which is how ntpdate detects a running server).
    void finish_setup() { set_reuse_addr(false); }
    // SO_REUSEADDR on or off: on again while a socket is bound next to this
    // one at runtime (interface tracking), then off.
    void set_reuse_addr(bool on);

    int fd() const { return fd_.get(); }
    bool valid() const { return fd_.valid(); }
    // The bound address with the real port (useful after binding port 0).
    const Endpoint& local() const { return local_; }
    const SocketCounters& counters() const { return counters_; }

    // Reads what is queued, without blocking, into `batch` (up to its
    // capacity). Datagrams without a kernel timestamp get `clock_now()`,
    // read once for the whole batch. Returns the number read.
    std::size_t receive(RecvBatch& batch, const std::function<timespec()>& clock_now);

    // Sends every queued datagram of `batch` and clears it; returns how many
    // the kernel accepted. Failures are counted, never thrown.
    std::size_t send(SendBatch& batch);
    bool send_to(std::span<const std::uint8_t> data, const Endpoint& dest);

private:
    UniqueFd fd_;
    Endpoint local_;
    SocketCounters counters_;
    bool sendmsg_only_ = false;  // sendmmsg() refused once: see send()
};

}  // namespace ntp::io
