#include "libntp/io/resolver.hh"

#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ntp::io {

struct ThreadedResolver::Shared {
    struct Job {
        std::uint64_t id;
        std::string host;
        ResolveFamily family;
    };
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> jobs;
    std::vector<ResolveResult> done;
    bool stopping = false;
};

namespace {

void worker(std::shared_ptr<ThreadedResolver::Shared> shared) {
    for (;;) {
        ThreadedResolver::Shared::Job job;
        {
            std::unique_lock lock(shared->mutex);
            shared->wake.wait(lock, [&] { return shared->stopping || !shared->jobs.empty(); });
            if (shared->stopping) return;
            job = std::move(shared->jobs.front());
            shared->jobs.pop_front();
        }
        ResolveResult result = resolve_now(job.host, job.family);
        result.id = job.id;
        std::lock_guard lock(shared->mutex);
        if (shared->stopping) return;
        shared->done.push_back(std::move(result));
    }
}

}  // namespace

ResolveResult resolve_now(const std::string& host, ResolveFamily family) {
    ResolveResult result;
    result.host = host;
    addrinfo hints{};
    hints.ai_family = family == ResolveFamily::v4 ? AF_INET : family == ResolveFamily::v6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), "123", &hints, &list);
    if (rc != 0) {
        result.gai_error = rc;
        result.error_text = ::gai_strerror(rc);
        return result;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(list, &::freeaddrinfo);
    for (const addrinfo* ai = list; ai; ai = ai->ai_next) {
        const auto ep = ntp::io::Endpoint::from_sockaddr(ai->ai_addr, ai->ai_addrlen);
        if (!ep) continue;
        if (std::find(result.addresses.begin(), result.addresses.end(), ep->addr) == result.addresses.end())
            result.addresses.push_back(ep->addr);
    }
    if (result.addresses.empty()) {
        result.gai_error = EAI_NONAME;
        result.error_text = ::gai_strerror(EAI_NONAME);
    }
    return result;
}

ThreadedResolver::ThreadedResolver() : shared_(std::make_shared<Shared>()) {
    // Started lazily on the first submit: a configuration with numeric
    // addresses only never creates a thread.
}

ThreadedResolver::~ThreadedResolver() {
    {
        std::lock_guard lock(shared_->mutex);
        shared_->stopping = true;
    }
    shared_->wake.notify_all();
    // The worker (if any) was detached: it holds its own reference to shared_.
}

std::uint64_t ThreadedResolver::submit(const std::string& host, ResolveFamily family) {
    const std::uint64_t id = next_id_++;
    bool start = false;
    {
        std::lock_guard lock(shared_->mutex);
        start = id == 1;
        shared_->jobs.push_back({id, host, family});
    }
    if (start) {
        // The worker inherits a mask that blocks every signal, so signals
        // reach the thread that runs the event loop and cut its wait short.
        struct BlockAll {
            sigset_t previous;
            BlockAll() {
                sigset_t all;
                sigfillset(&all);
                pthread_sigmask(SIG_SETMASK, &all, &previous);
            }
            ~BlockAll() { pthread_sigmask(SIG_SETMASK, &previous, nullptr); }
        } blocked;
        std::thread(worker, shared_).detach();
    }
    shared_->wake.notify_one();
    return id;
}

std::vector<ResolveResult> ThreadedResolver::poll() {
    std::lock_guard lock(shared_->mutex);
    std::vector<ResolveResult> out;
    out.swap(shared_->done);
    return out;
}

}  // namespace ntp::io
