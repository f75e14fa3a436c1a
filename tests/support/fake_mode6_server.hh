#pragma once
// Test doubles for the ntpq unit tests: a fake mode 6 server behind the
// Channel interface (answers from a table of texts, cut into fragments the
// way classic ntpd does), and helpers to run Session commands into strings.

#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "libntp/wire/mode6.hh"
#include "ntpq/session.hh"
#include "ntpq/client.hh"

namespace ntpq::test {

namespace m6 = ntp::wire::mode6;

// Answers requests by (opcode, assoc ID). Anything can be scripted: text
// replies, raw datagrams, errors, silence.
class FakeServer final : public Channel {
public:
    struct Reply {
        std::uint16_t status = 0;
        std::string text;          // cut with ResponseBuilder semantics below
        int error = -1;            // >= 0: error reply with this code
        bool silent = false;       // no answer at all
        std::vector<std::vector<std::uint8_t>> datagrams;  // verbatim, if set
    };
    using Handler = std::function<Reply(const m6::Message& request, std::string_view data)>;

    explicit FakeServer(Handler h) : handler_(std::move(h)) {}

    int send(std::span<const std::uint8_t> d) override {
        requests.emplace_back(d.begin(), d.end());
        auto msg = m6::decode_message(d);
        if (!msg) return 0;
        std::string_view data(reinterpret_cast<const char*>(msg->data.data()), msg->data.size());
        Reply r = handler_(*msg, data);
        if (r.silent) return 0;
        if (!r.datagrams.empty()) {
            for (auto& dg : r.datagrams) pending_.push_back(dg);
            return 0;
        }
        m6::Header h = msg->header;
        h.response = true;
        h.status = r.status;
        if (r.error >= 0) {
            h.error = true;
            h.status = static_cast<std::uint16_t>(r.error << 8);
            pending_.push_back(m6::encode_message(h, std::string_view{}));
            return 0;
        }
        // Plain text fragments of at most 468 octets (the server side is not
        // under test here; the mode 6 codec tests cover the classic cutting).
        std::size_t off = 0;
        do {
            const std::size_t n = std::min<std::size_t>(468, r.text.size() - off);
            m6::Header f = h;
            f.offset = static_cast<std::uint16_t>(off);
            f.more = off + n < r.text.size();
            pending_.push_back(m6::encode_message(f, std::string_view(r.text).substr(off, n)));
            off += n;
        } while (off < r.text.size());
        return 0;
    }

    Received receive(std::chrono::milliseconds) override {
        Received r;
        if (pending_.empty()) {
            r.what = Wait::timeout;
            return r;
        }
        r.what = Wait::datagram;
        r.bytes = pending_.front();
        pending_.pop_front();
        return r;
    }

    std::vector<std::vector<std::uint8_t>> requests;

private:
    Handler handler_;
    std::deque<std::vector<std::uint8_t>> pending_;
};

// READSTAT data for a list of (assoc, status).
inline std::string assoc_list(std::initializer_list<std::pair<std::uint16_t, std::uint16_t>> l) {
    std::string s;
    for (auto [id, st] : l) {
        s += static_cast<char>(id >> 8);
        s += static_cast<char>(id & 0xff);
        s += static_cast<char>(st >> 8);
        s += static_cast<char>(st & 0xff);
    }
    return s;
}

// Runs commands in a Session wired to `server`; stdout and stderr captured.
struct Harness {
    std::ostringstream out, err;
    std::deque<std::string> typed;  // answers to prompts
    std::unique_ptr<Session> session;
    FakeServer* server = nullptr;

    Harness(FakeServer::Handler h, ntp::wire::NtpTime now, bool numeric = false,
            std::vector<HostSpec> hosts = {{"127.0.0.1", 0}}, SessionSettings settings = {}) {
        auto owned = std::make_shared<FakeServer*>(nullptr);
        auto opener = [h, owned](const HostSpec& spec, std::string&) -> std::optional<OpenedHost> {
            OpenedHost o;
            auto s = std::make_unique<FakeServer>(h);
            *owned = s.get();
            o.channel = std::move(s);
            o.display_name = spec.name;
            o.numeric = true;
            o.address = ntp::io::IpAddress::parse(spec.name);
            return o;
        };
        SessionIo io{out, err,
                     [this](const std::string& p) -> std::optional<std::string> {
                         err << p;
                         if (typed.empty()) return std::nullopt;
                         auto s = typed.front();
                         typed.pop_front();
                         return s;
                     },
                     [this](const std::string& p) -> std::optional<std::string> {
                         err << p;
                         if (typed.empty()) return std::nullopt;
                         auto s = typed.front();
                         typed.pop_front();
                         return s;
                     }};
        Namer namer([](const ntp::io::IpAddress& a) -> std::optional<std::string> {
            if (a.is_v4() && a.v4_host_order() == 0x7f000001u) return std::string("localhost");
            return std::nullopt;
        });
        namer.set_show_names(!numeric);
        settings.local_time = false;
        session = std::make_unique<Session>(io, namer, opener, [now] { return now; }, settings);
        session->set_host_list(hosts);
        session->open_host(hosts.front());
        server = *owned;
    }

    std::string run(std::string_view cmd) {
        out.str("");
        err.str("");
        session->run(cmd);
        return out.str();
    }
};

// A sample transcript from the shared spec, without its "$ cmd" first line
// and "[exit status N]" last line; empty when $shared_dir is not set.
inline std::string sample(const std::string& relative) {
    const char* dir = std::getenv("shared_dir");
    if (!dir) return {};
    std::ifstream in(std::string(dir) + "/spec/samples/" + relative);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    const auto first = s.find('\n');
    s = s.substr(first + 1);
    const auto last = s.rfind("[exit status");
    return s.substr(0, last);
}

}  // namespace ntpq::test
