#include "ntpq/mrulist.hh"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "ntpq/format.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

using ntp::wire::NtpTimestamp;

constexpr std::uint8_t op_read_mru = 10;
constexpr std::uint8_t op_req_nonce = 12;
constexpr int max_frags = 32;
constexpr int row_limit = 256;            // classic MRU_ROW_LIMIT
constexpr std::size_t max_request = 468;  // CTL_MAX_DATA_LEN
constexpr int max_requests = 100000;      // guard against a server that never ends the list
constexpr std::uint16_t res_limited = 0x0020;  // classic RES_LIMITED
constexpr std::uint16_t res_kod = 0x0400;      // classic RES_KOD

constexpr unsigned got_count = 0x1, got_last = 0x2, got_first = 0x4, got_mv = 0x8, got_rs = 0x10,
                   got_addr = 0x20, got_all = 0x3f;

// "name.N" -> N when `tag` starts with `prefix` followed by digits only.
std::optional<int> index_of(std::string_view tag, std::string_view prefix) {
    if (tag.size() <= prefix.size() || tag.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    auto n = decode_int(tag.substr(prefix.size()));
    const auto digits = tag.substr(prefix.size());
    if (!n || digits[0] == '-' || (digits.size() > 1 && digits[0] == '0') || *n > 1000000)
        return std::nullopt;
    return static_cast<int>(*n);
}

std::optional<NtpTimestamp> hex_timestamp(std::string_view v) {
    if (v.size() < 2 || v[0] != '0' || v[1] != 'x') return std::nullopt;
    return decode_timestamp(v);
}

// sscanf("%d"): an optional sign and leading digits; trailing text ignored.
std::optional<int> decimal(std::string_view v) {
    std::size_t i = 0;
    bool neg = false;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) neg = v[i++] == '-';
    long long n = 0;
    const std::size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && n < INT32_MAX) n = n * 10 + (v[i++] - '0');
    if (i == start || n > INT32_MAX) return std::nullopt;
    return static_cast<int>(neg ? -n : n);
}

// sscanf("0x%hx"): "0x" then leading hex digits.
std::optional<std::uint16_t> hex16(std::string_view v) {
    if (v.size() < 3 || v[0] != '0' || v[1] != 'x') return std::nullopt;
    std::size_t i = 2;
    unsigned n = 0;
    while (i < v.size() && std::isxdigit(static_cast<unsigned char>(v[i]))) {
        const char c = v[i++];
        n = (n << 4) | static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        n &= 0xffff;
    }
    if (i == 2) return std::nullopt;
    return static_cast<std::uint16_t>(n);
}

using Key = std::pair<std::array<std::uint8_t, 17>, std::uint16_t>;
Key key_of(const ntp::io::Endpoint& e) {
    Key k{};
    k.first[0] = static_cast<std::uint8_t>(e.addr.family);
    std::copy(e.addr.bytes.begin(), e.addr.bytes.end(), k.first.begin() + 1);
    k.second = e.port;
    return k;
}

double seconds_between(NtpTimestamp later, NtpTimestamp earlier) {
    return ntp::wire::diff_s(later, earlier);
}

// The MRU list as classic keeps it: newest entry first, one per address.
class MruList {
public:
    std::list<MruEntry>& entries() { return list_; }
    const MruEntry* find(const ntp::io::Endpoint& e) const {
        auto it = index_.find(key_of(e));
        return it == index_.end() ? nullptr : &*it->second;
    }
    // Returns false when an update would move an entry back in time.
    bool add(const MruEntry& e, unsigned& updates) {
        auto it = index_.find(key_of(e.addr));
        if (it != index_.end()) {
            if (e.first < it->second->first) return false;
            list_.erase(it->second);
            index_.erase(it);
            ++updates;
        }
        list_.push_front(e);
        index_[key_of(e.addr)] = list_.begin();
        return true;
    }
    void drop_newest(std::size_t n) {
        while (n-- > 0 && !list_.empty()) {
            index_.erase(key_of(list_.front().addr));
            list_.pop_front();
        }
    }

private:
    std::list<MruEntry> list_;
    std::map<Key, std::list<MruEntry>::iterator> index_;
};

std::optional<std::string> fetch_nonce(const MruQuery& query,
                                       const std::function<void(const std::string&)>& diag) {
    auto r = query(op_req_nonce, {});
    if (r.code != 0) {
        if (r.code > 0) diag(query_error_text(r.code, 0) + "\n");
        diag("nonce request failed\n");
        return std::nullopt;
    }
    std::string_view text = r.text();
    if (text.size() <= 6 || text.substr(0, 6) != "nonce=") {
        diag("unexpected nonce response format: " + std::string(text) + "\n");
        return std::nullopt;
    }
    text.remove_prefix(6);
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == '\0'))
        text.remove_suffix(1);
    return std::string(text);
}

}  // namespace

MruArguments parse_mru_arguments(const std::vector<std::string>& words) {
    static constexpr std::string_view passed[] = {"mincount=", "resall=", "resany=", "maxlstint=",
                                                  "laddr="};
    static constexpr std::pair<std::string_view, MruSort> sorts[] = {
        {"lstint", MruSort::lstint}, {"-lstint", MruSort::r_lstint}, {"avgint", MruSort::avgint},
        {"-avgint", MruSort::r_avgint}, {"addr", MruSort::addr},     {"-addr", MruSort::r_addr},
        {"count", MruSort::count},   {"-count", MruSort::r_count}};
    MruArguments a;
    for (const auto& w : words) {
        bool done = false;
        for (auto p : passed) {
            if (w.compare(0, p.size(), p) == 0) {
                if (a.server_params.size() + w.size() + 2 < 128) a.server_params += ", " + w;
                done = true;
                break;
            }
        }
        if (done) continue;
        if (w.compare(0, 5, "sort=") == 0) {
            for (const auto& [name, order] : sorts)
                if (w.substr(5) == name) a.sort = order;
        } else if (w == "limited" || w == "kod") {
            char buf[32];
            std::snprintf(buf, sizeof buf, ", resany=0x%x", w == "kod" ? res_kod : res_limited);
            a.server_params += buf;
        } else {
            a.ignored.push_back(w);
        }
    }
    return a;
}

MruResult collect_mru(const MruQuery& query, const MruArguments& args,
                      const std::function<void(const std::string&)>& diag,
                      const std::function<void(const QueryResult&)>& raw_output) {
    MruResult result;
    auto nonce = fetch_nonce(query, diag);
    if (!nonce) return result;

    MruList list;
    unsigned nonce_uses = 1;
    unsigned restarted = 0;
    int limit = std::min(3 * max_frags, row_limit);
    int server_row_limit = row_limit;
    int frags = max_frags;
    bool cap_frags = true;
    unsigned got = 0;
    MruEntry mon;
    NtpTimestamp now;
    std::size_t priors = 0;  // entries named in the last request
    std::string request = "nonce=" + *nonce + ", frags=" + std::to_string(frags) + args.server_params;

    for (int round = 0; round < max_requests; ++round) {
        auto r = query(op_read_mru, request);
        if (r.code == 5 && priors > 0) {
            // None of the entries we named still exists unchanged: forget
            // them and ask again from further back.
            list.drop_newest(priors);
            if (list.entries().empty() && ++restarted > 8) {
                diag("Giving up after 8 restarts from the beginning.\n"
                     "With high-traffic NTP servers, this can occur if the\n"
                     "MRU list is limited to less than about 16 seconds' of\n"
                     "entries.  See the 'mru' ntp.conf directive to adjust.\n");
                return result;
            }
        } else if (r.code == 5) {
            diag("CERR_UNKNOWNVAR from ntpd but no priors given.\n");
            return result;
        } else if (r.code == 6) {
            if (cap_frags) cap_frags = false;
            else limit = std::min(limit, --server_row_limit);
        } else if (r.code == query_code::incomplete || r.code == query_code::timeout) {
            if (cap_frags) frags = std::max(2, frags / 2);
            else limit = std::max(2, limit / 2);
        } else if (r.code != 0) {
            if (r.code > 0) diag(query_error_text(r.code, 0) + "\n");
            return result;
        }

        bool have_now = false;
        bool list_complete = false;
        if (r.code == 0) {
            if (raw_output) raw_output(r);
            int ci = 0;
            bool have_last_older = false;
            NtpTimestamp last_older;
            for (const auto& v : parse_vars(r.text())) {
                const std::string_view tag = v.name;
                const std::string_view val = v.value;
                if (tag == "addr.older") {
                    if (!have_last_older) {
                        diag("addr.older " + v.value + " before last.older\n");
                        return result;
                    }
                    auto e = decode_netnum(val);
                    if (!e) {
                        diag("addr.older " + v.value + " garbled\n");
                        return result;
                    }
                    const MruEntry* known = list.find(*e);
                    if (!known) {
                        diag("addr.older " + v.value + " not in hash table\n");
                        return result;
                    }
                    if (known->last != last_older) {
                        diag("last.older mismatches the entry held\n");
                        return result;
                    }
                } else if (tag == "last.older") {
                    auto ts = hex_timestamp(val);
                    if (!ts) {
                        diag("last.older " + v.value + " garbled\n");
                        return result;
                    }
                    last_older = *ts;
                    have_last_older = true;
                } else if (tag == "last.newest") {
                    if (got != 0 || !have_now) {
                        diag("last.newest " + v.value + " out of order\n");
                        return result;
                    }
                    if (!list.entries().empty()) {
                        auto ts = hex_timestamp(val);
                        if (!ts || *ts != list.entries().front().last) {
                            diag("last.newest " + v.value + " mismatches the newest entry\n");
                            return result;
                        }
                    }
                    list_complete = true;
                } else if (tag == "nonce") {
                    nonce = v.value;
                    nonce_uses = 0;
                } else if (tag == "now") {
                    if (auto ts = hex_timestamp(val)) {
                        now = *ts;
                        have_now = true;
                    }
                } else {
                    unsigned bit = 0;
                    if (index_of(tag, "addr.") == ci) {
                        if (auto e = decode_netnum(val)) { mon.addr = *e; bit = got_addr; }
                    } else if (index_of(tag, "last.") == ci) {
                        if (auto ts = hex_timestamp(val)) { mon.last = *ts; now = *ts; bit = got_last; }
                    } else if (index_of(tag, "first.") == ci) {
                        if (auto ts = hex_timestamp(val)) { mon.first = *ts; bit = got_first; }
                    } else if (index_of(tag, "ct.") == ci) {
                        if (auto n = decimal(val); n && *n >= 1) { mon.count = *n; bit = got_count; }
                    } else if (index_of(tag, "mv.") == ci) {
                        if (auto n = decimal(val)) {
                            mon.mode = *n & 7;
                            mon.version = (*n >> 3) & 7;
                            bit = got_mv;
                        }
                    } else if (index_of(tag, "rs.") == ci) {
                        if (auto n = hex16(val)) {
                            mon.restrict_flags = *n;
                            bit = got_rs;
                        }
                    }
                    got |= bit;
                    if (got == got_all) {
                        if (!list.add(mon, result.updates)) {
                            diag("add_mru duplicate " + address_port_text(mon.addr) +
                                 " new first ts precedes prior\n");
                            return result;
                        }
                        got = 0;
                        mon = MruEntry{};
                        ++ci;
                    }
                }
            }
        }
        if (have_now) list_complete = true;
        if (list_complete) {
            diag("\rRetrieved " + std::to_string(list.entries().size()) +
                 " unique MRU entries and " + std::to_string(result.updates) + " updates.\n");
            result.ok = true;
            result.now = now;
            result.entries.assign(list.entries().begin(), list.entries().end());
            return result;
        }

        if (r.code == 0) {
            if (cap_frags) frags = std::min(max_frags, frags + 1);
            else limit = std::min({3 * max_frags, server_row_limit, std::max(limit + 1, limit * 33 / 32)});
        }
        if (++nonce_uses >= 4) {
            auto fresh = fetch_nonce(query, diag);
            if (!fresh) return result;
            nonce = fresh;
            nonce_uses = 0;
        }
        request = "nonce=" + *nonce + ", " + (cap_frags ? "frags=" : "limit=") +
                  std::to_string(cap_frags ? frags : limit) + args.server_params;
        priors = 0;
        for (const auto& e : list.entries()) {
            char buf[160];
            std::snprintf(buf, sizeof buf, ", addr.%zu=%s, last.%zu=0x%08x.%08x", priors,
                          address_port_text(e.addr).c_str(), priors, e.last.seconds(),
                          e.last.fraction());
            if (request.size() + std::string_view(buf).size() >= max_request) break;
            request += buf;
            ++priors;
        }
    }
    diag("mrulist: giving up, the server never ended the list\n");
    return result;
}

std::string format_mru(const MruResult& result, MruSort sort, const Namer& namer) {
    std::vector<const MruEntry*> rows;
    for (const auto& e : result.entries) rows.push_back(&e);
    auto avg = [](const MruEntry* e) {
        return seconds_between(e->last, e->first) / std::max(1, e->count);
    };
    auto by_addr = [](const MruEntry* a, const MruEntry* b) {
        if (a->addr.addr.family != b->addr.addr.family) return a->addr.addr.is_v4();
        return ntp::io::compare(a->addr.addr, b->addr.addr) < 0;
    };
    switch (sort) {
    case MruSort::lstint: break;
    case MruSort::r_lstint: std::reverse(rows.begin(), rows.end()); break;
    case MruSort::avgint:
    case MruSort::r_avgint:
        std::stable_sort(rows.begin(), rows.end(), [&](auto a, auto b) {
            const double x = avg(a), y = avg(b);
            if (x != y) return sort == MruSort::avgint ? x < y : x > y;
            return sort == MruSort::avgint ? b->last < a->last : a->last < b->last;
        });
        break;
    case MruSort::addr: std::stable_sort(rows.begin(), rows.end(), by_addr); break;
    case MruSort::r_addr:
        std::stable_sort(rows.begin(), rows.end(), [&](auto a, auto b) { return by_addr(b, a); });
        break;
    case MruSort::count:
        std::stable_sort(rows.begin(), rows.end(), [](auto a, auto b) { return a->count < b->count; });
        break;
    case MruSort::r_count:
        std::stable_sort(rows.begin(), rows.end(), [](auto a, auto b) { return a->count > b->count; });
        break;
    }
    std::string out = "lstint avgint rstr r m v  count rport remote address\n" +
                      std::string(78, '=') + "\n";
    for (const MruEntry* e : rows) {
        const int lstint = static_cast<int>(seconds_between(result.now, e->last) + 0.5);
        const int avgint = static_cast<int>(avg(e) + 0.5);
        const char r = (e->restrict_flags & res_kod) ? 'K' : (e->restrict_flags & res_limited) ? 'L' : '.';
        char buf[96];
        std::snprintf(buf, sizeof buf, "%6d %6d %4hx %c %d %d %6d %5u ", lstint, avgint,
                      e->restrict_flags, r, e->mode, e->version, e->count, e->addr.port);
        out += buf + namer.host(e->addr.addr) + "\n";
    }
    return out;
}

}  // namespace ntpq
