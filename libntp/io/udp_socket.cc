#include "config.h"

#include "libntp/io/udp_socket.hh"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ntp::io {

namespace {

// Room for one SCM_TIMESTAMPNS message (plus slack for anything else the
// kernel may add, which we then ignore).
constexpr std::size_t kControlSize = 64;

bool transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

void set_flag(int fd, int level, int name, int value, const char* what, const Endpoint& where) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                std::string("setsockopt ") + what + " on " + where.to_string());
    }
}

std::optional<timespec> kernel_timestamp(const msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&msg)); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
            c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            return ts;
        }
    }
    return std::nullopt;
}

}  // namespace

UniqueFd open_socket(int domain, int type, bool nonblocking, SocketCall make) {
    const int flags = SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
    UniqueFd fd(make(domain, type | flags, 0));
    if (fd || errno != EINVAL) return fd;
    fd.reset(make(domain, type, 0));
    if (!fd) return fd;
    if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0) return UniqueFd();
    if (nonblocking) {
        const int fl = ::fcntl(fd.get(), F_GETFL);
        if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl | O_NONBLOCK) != 0) return UniqueFd();
    }
    return fd;
}

RecvBatch::RecvBatch(std::size_t capacity, std::size_t buffer_size)
    : capacity_(capacity == 0 ? 1 : capacity),
      buffer_size_(buffer_size == 0 ? 1 : buffer_size),
      buffers_(capacity_ * buffer_size_),
      controls_(capacity_ * kControlSize),
      datagrams_(capacity_),
      headers_(capacity_),
      iovecs_(capacity_),
      addrs_(capacity_) {}

SendBatch::SendBatch(std::size_t capacity, std::size_t buffer_size)
    : capacity_(capacity == 0 ? 1 : capacity),
      buffer_size_(buffer_size == 0 ? 1 : buffer_size),
      buffers_(capacity_ * buffer_size_),
      lengths_(capacity_),
      dests_(capacity_),
      headers_(capacity_),
      iovecs_(capacity_),
      addrs_(capacity_) {}

std::span<std::uint8_t> SendBatch::next_buffer() {
    if (full()) return {};
    return {buffers_.data() + count_ * buffer_size_, buffer_size_};
}

void SendBatch::commit(std::size_t length, const Endpoint& dest) {
    if (full()) return;
    lengths_[count_] = length < buffer_size_ ? length : buffer_size_;
    dests_[count_] = dest;
    ++count_;
}

UdpSocket UdpSocket::bind(const Endpoint& local, const Options& options) {
    int family = local.addr.is_v6() ? AF_INET6 : AF_INET;
    UdpSocket s;
    s.fd_ = open_socket(family, SOCK_DGRAM, true);
    if (!s.fd_) {
        throw std::system_error(errno, std::generic_category(), "socket for " + local.to_string());
    }
    int fd = s.fd_.get();
    if (options.reuse_addr) set_flag(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR", local);
    if (options.reuse_port) set_flag(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT", local);
    // One socket per family: a v6 wildcard must not also take IPv4 traffic.
    if (family == AF_INET6) set_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY", local);
    if (options.kernel_timestamps) {
        // Not fatal: without it every datagram falls back to reading the clock.
        int on = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    }
    if (options.dscp >= 0) {
        int tos = (options.dscp & 0x3f) << 2;
        if (family == AF_INET) (void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
        else (void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
    }
    sockaddr_storage ss{};
    socklen_t len = local.to_sockaddr(ss);
    if (len == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        throw std::system_error(len == 0 ? EAFNOSUPPORT : errno, std::generic_category(),
                                "bind " + local.to_string());
    }
    sockaddr_storage bound{};
    socklen_t blen = sizeof bound;
    s.local_ = local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen) == 0) {
        if (auto e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&bound), blen)) {
            s.local_ = *e;
        }
    }
    return s;
}

void UdpSocket::set_reuse_addr(bool on) {
    int v = on ? 1 : 0;
    if (fd_) (void)setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
}

std::size_t UdpSocket::receive(RecvBatch& batch, const std::function<timespec()>& clock_now) {
    batch.count_ = 0;
    if (!fd_) return 0;
    for (std::size_t i = 0; i < batch.capacity_; ++i) {
        batch.iovecs_[i].iov_base = batch.buffers_.data() + i * batch.buffer_size_;
        batch.iovecs_[i].iov_len = batch.buffer_size_;
        msghdr& m = batch.headers_[i].msg_hdr;
        m = msghdr{};
        m.msg_name = &batch.addrs_[i];
        m.msg_namelen = sizeof(sockaddr_storage);
        m.msg_iov = &batch.iovecs_[i];
        m.msg_iovlen = 1;
        m.msg_control = batch.controls_.data() + i * kControlSize;
        m.msg_controllen = kControlSize;
        batch.headers_[i].msg_len = 0;
    }

    std::size_t got = 0;
#ifdef HAVE_RECVMMSG
    int n = ::recvmmsg(fd_.get(), batch.headers_.data(), static_cast<unsigned>(batch.capacity_),
                       MSG_DONTWAIT, nullptr);
    if (n < 0) {
        if (!transient(errno)) ++counters_.receive_errors;
        return 0;
    }
    got = static_cast<std::size_t>(n);
#else
    while (got < batch.capacity_) {
        ssize_t n = ::recvmsg(fd_.get(), &batch.headers_[got].msg_hdr, MSG_DONTWAIT);
        if (n < 0) {
            if (!transient(errno)) ++counters_.receive_errors;
            break;
        }
        batch.headers_[got].msg_len = static_cast<unsigned>(n);
        ++got;
    }
#endif

    bool need_clock = false;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < got; ++i) {
        const msghdr& m = batch.headers_[i].msg_hdr;
        auto source = Endpoint::from_sockaddr(static_cast<const sockaddr*>(m.msg_name),
                                              m.msg_namelen);
        if (!source) continue;  // not IP: nothing we could answer
        Datagram& d = batch.datagrams_[kept];
        std::size_t len = batch.headers_[i].msg_len;
        if (len > batch.buffer_size_) len = batch.buffer_size_;
        d.data = {static_cast<const std::uint8_t*>(batch.iovecs_[i].iov_base), len};
        d.source = *source;
        d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
        if (d.truncated) ++counters_.truncated;
        auto ts = kernel_timestamp(m);
        d.kernel_timestamp = ts.has_value();
        if (ts) d.rx_time = *ts;
        else need_clock = true;
        ++kept;
    }
    if (need_clock) {
        timespec now = clock_now();
        for (std::size_t i = 0; i < kept; ++i)
            if (!batch.datagrams_[i].kernel_timestamp) batch.datagrams_[i].rx_time = now;
    }
    batch.count_ = kept;
    counters_.received += kept;
    return kept;
}

std::size_t UdpSocket::send(SendBatch& batch) {
    std::size_t total = batch.count_;
    if (!fd_ || total == 0) {
        batch.clear();
        return 0;
    }
    for (std::size_t i = 0; i < total; ++i) {
        batch.iovecs_[i].iov_base = batch.buffers_.data() + i * batch.buffer_size_;
        batch.iovecs_[i].iov_len = batch.lengths_[i];
        msghdr& m = batch.headers_[i].msg_hdr;
        m = msghdr{};
        m.msg_namelen = batch.dests_[i].to_sockaddr(batch.addrs_[i]);
        m.msg_name = &batch.addrs_[i];
        m.msg_iov = &batch.iovecs_[i];
        m.msg_iovlen = 1;
    }
    std::size_t sent = 0;
    std::size_t i = 0;
    while (i < total) {
#ifdef HAVE_SENDMMSG
        if (!sendmsg_only_) {
            int n = ::sendmmsg(fd_.get(), &batch.headers_[i], static_cast<unsigned>(total - i),
                               MSG_DONTWAIT);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                i += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == ENOSYS || errno == EBADF || errno == ENOTSOCK)) {
                // glibc's sendmmsg() is a raw system call: a C library
                // interposed by a simulator (its sockets are not kernel fds)
                // or an old kernel leaves us sendmsg(), one datagram a call.
                sendmsg_only_ = true;
                continue;
            }
        } else
#endif
        {
            ssize_t n = ::sendmsg(fd_.get(), &batch.headers_[i].msg_hdr, MSG_DONTWAIT);
            if (n >= 0) {
                ++sent;
                ++i;
                continue;
            }
            if (errno == EINTR) continue;
        }
        // This datagram failed (unreachable destination, full buffer):
        // skip it rather than stall the rest of the batch.
        ++counters_.send_failed;
        ++i;
    }
    counters_.sent += sent;
    batch.clear();
    return sent;
}

bool UdpSocket::send_to(std::span<const std::uint8_t> data, const Endpoint& dest) {
    sockaddr_storage ss{};
    socklen_t len = dest.to_sockaddr(ss);
    if (!fd_ || len == 0) {
        ++counters_.send_failed;
        return false;
    }
    for (;;) {
        ssize_t n = ::sendto(fd_.get(), data.data(), data.size(), MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&ss), len);
        if (n >= 0) {
            ++counters_.sent;
            return true;
        }
        if (errno != EINTR) break;
    }
    ++counters_.send_failed;
    return false;
}

}  // namespace ntp::io
