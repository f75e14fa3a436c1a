// REQ_NONCE and READ_MRU (`ntpq mrulist`, mode6.md §10): the nonce that
// proves the requester receives at its address, and the incremental walk of
// the MRU list, oldest entry first, resumable from the newest entries the
// client already holds.

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstdio>

#include "libntp/config/ntp_config.hh"
#include "libntp/wire/varlist.hh"
#include "ntpd/control/context.hh"
#include "ntpd/control/control_server.hh"
#include "ntpd/control/vars.hh"

namespace ntpd::control {

namespace mode6 = ntp::wire::mode6;

namespace {

namespace rflag = ntp::config::restrict_flag;

constexpr unsigned mru_row_limit = 256;     // classic MRU_ROW_LIMIT
constexpr unsigned mru_frags_limit = 128;   // classic MRU_FRAGS_LIMIT
constexpr std::size_t mru_anchors = 16;     // last.N / addr.N pairs read
constexpr std::uint64_t nonce_lifetime_s = 16;

template <typename T>
std::optional<T> number(std::string_view s, int base = 10) {
    T v{};
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<std::uint32_t> hex_prefixed(std::string_view s) {
    if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
    return number<std::uint32_t>(s.substr(2), 16);
}

std::optional<std::uint64_t> lfp(std::string_view s) {
    if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
    s.remove_prefix(2);
    const auto dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 8 || s.size() - dot - 1 > 8)
        return std::nullopt;
    auto hi = number<std::uint32_t>(s.substr(0, dot), 16);
    auto lo = number<std::uint32_t>(s.substr(dot + 1), 16);
    if (!hi || !lo) return std::nullopt;
    return (std::uint64_t{*hi} << 32) | *lo;
}

std::optional<ntp::io::Endpoint> endpoint(std::string_view s) {
    ntp::io::Endpoint e;
    e.port = 123;
    std::string_view host = s;
    std::string_view port;
    if (!s.empty() && s.front() == '[') {
        const auto close = s.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = s.substr(1, close - 1);
        const auto rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port = rest.substr(1);
        }
    } else if (auto whole = ntp::io::IpAddress::parse(s)) {
        e.addr = *whole;
        return e;
    } else {
        const auto colon = s.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    auto addr = ntp::io::IpAddress::parse(host);
    if (!addr) return std::nullopt;
    e.addr = *addr;
    if (!port.empty()) {
        auto p = number<std::uint32_t>(port);
        if (!p || *p > 65535) return std::nullopt;
        e.port = static_cast<std::uint16_t>(*p);
    }
    return e;
}

// "last.3" -> 3 for prefix "last."; nullopt otherwise or beyond the anchors.
std::optional<std::size_t> indexed(std::string_view name, std::string_view prefix) {
    if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto i = number<std::size_t>(name.substr(prefix.size()));
    if (!i || *i >= mru_anchors) return std::nullopt;
    return i;
}

struct MruQuery {
    std::optional<std::string_view> nonce;
    unsigned frags = 0;
    unsigned limit = 0;
    std::uint64_t min_count = 0;
    std::uint32_t res_all = 0;
    std::uint32_t res_any = 0;
    std::uint32_t max_last_interval_s = 0;
    std::optional<ntp::io::IpAddress> local;
    std::array<std::uint64_t, mru_anchors> last{};
    std::array<std::optional<ntp::io::Endpoint>, mru_anchors> addr{};
};

// Classic read_mru_list() parameter rules: an unknown name ends the list,
// unparsable values are ignored.
MruQuery parse_query(const std::vector<mode6::RequestItem>& items) {
    MruQuery q;
    for (const auto& it : items) {
        const std::string_view v = it.value.value_or("");
        if (it.name == "nonce") {
            q.nonce = v;
        } else if (it.name == "frags") {
            // Out of range counts as too many (BADVALUE later).
            q.frags = number<unsigned>(v).value_or(0);
        } else if (it.name == "limit") {
            q.limit = number<unsigned>(v).value_or(0);
        } else if (it.name == "mincount") {
            auto m = number<long long>(v);
            q.min_count = m && *m > 0 ? static_cast<std::uint64_t>(*m) : 0;
        } else if (it.name == "resall") {
            q.res_all = hex_prefixed(v).value_or(0) & 0xffffu;
        } else if (it.name == "resany") {
            q.res_any = hex_prefixed(v).value_or(0) & 0xffffu;
        } else if (it.name == "maxlstint") {
            q.max_last_interval_s = number<std::uint32_t>(v).value_or(0);
        } else if (it.name == "laddr") {
            if (auto e = endpoint(v)) q.local = e->addr;
        } else if (auto i = indexed(it.name, "last.")) {
            if (auto t = lfp(v)) q.last[*i] = *t;
        } else if (auto j = indexed(it.name, "addr.")) {
            q.addr[*j] = endpoint(v);
        } else {
            break;
        }
    }
    return q;
}

}  // namespace

std::uint32_t ControlServer::derive_nonce(const ntp::io::Endpoint& source,
                                          std::uint64_t ts_ntp) const {
    // SHA-256 over secret | timestamp | address | port | secret; the first 32
    // bits are the check value (classic: MD5 over salt, time, address, port, salt).
    std::vector<std::uint8_t> in;
    in.reserve(nonce_secret_.size() * 2 + 8 + 16 + 2);
    in.insert(in.end(), nonce_secret_.begin(), nonce_secret_.end());
    for (int shift = 56; shift >= 0; shift -= 8) in.push_back(static_cast<std::uint8_t>(ts_ntp >> shift));
    in.insert(in.end(), source.addr.bytes.begin(), source.addr.bytes.begin() + source.addr.size());
    in.push_back(static_cast<std::uint8_t>(source.port >> 8));
    in.push_back(static_cast<std::uint8_t>(source.port));
    in.insert(in.end(), nonce_secret_.begin(), nonce_secret_.end());
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    std::size_t md_len = 0;
    if (EVP_Q_digest(nullptr, "SHA256", nullptr, in.data(), in.size(), md.data(), &md_len) != 1 ||
        md_len < 4)
        return 0;  // never matches a parsed nonce of a real request by chance only
    return (std::uint32_t{md[0]} << 24) | (std::uint32_t{md[1]} << 16) |
           (std::uint32_t{md[2]} << 8) | md[3];
}

std::string ControlServer::make_nonce(const ntp::io::Endpoint& source, std::uint64_t now_ntp) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08x%08x%08x", static_cast<unsigned>(now_ntp >> 32),
                  static_cast<unsigned>(now_ntp & 0xffffffffu),
                  static_cast<unsigned>(derive_nonce(source, now_ntp)));
    return buf;
}

bool ControlServer::nonce_valid(std::string_view nonce, const ntp::io::Endpoint& source,
                                std::uint64_t now_ntp) const {
    if (nonce.size() != 24) return false;
    auto hi = number<std::uint32_t>(nonce.substr(0, 8), 16);
    auto lo = number<std::uint32_t>(nonce.substr(8, 8), 16);
    auto check = number<std::uint32_t>(nonce.substr(16, 8), 16);
    if (!hi || !lo || !check) return false;
    const std::uint64_t ts = (std::uint64_t{*hi} << 32) | *lo;
    // Modular difference: a timestamp from the future gives a huge age.
    const std::uint64_t age = now_ntp - ts;
    return (age >> 32) < nonce_lifetime_s && *check == derive_nonce(source, ts);
}

void ControlServer::op_read_mru(Context& c) {
    if (c.req.restrict_flags & rflag::nomrulist) {
        ++counters_.restricted;
        return c.error(mode6::ErrorCode::permission);
    }
    auto items = mode6::parse_request_items(c.text());
    if (!items) return c.error(mode6::ErrorCode::bad_format);
    MruQuery q = parse_query(*items);
    // Without a valid nonce there is no reply at all: the request may come
    // from a spoofed address.
    if (!q.nonce || !nonce_valid(*q.nonce, c.req.source, c.req.now_ntp)) {
        ++counters_.bad_nonce;
        return;
    }
    c.source_proven = true;
    if ((q.frags == 0 && !(q.limit > 0 && q.limit <= mru_row_limit)) || q.frags > mru_frags_limit)
        return c.error(mode6::ErrorCode::bad_value);
    if (q.frags != 0 && q.limit == 0)
        q.limit = UINT_MAX;
    else if (q.limit != 0 && q.frags == 0)
        q.frags = mru_frags_limit;

    // Anchors: consecutive pairs from index 0 with both an address and a time.
    std::size_t priors = 0;
    while (priors < mru_anchors && q.addr[priors] && q.last[priors] != 0) ++priors;

    std::size_t start = 0;
    std::optional<MruRow> anchor_row;
    if (priors > 0) {
        // The first anchor whose entry still exists unchanged wins.
        std::array<std::optional<std::size_t>, mru_anchors> at{};
        std::array<std::optional<MruRow>, mru_anchors> rows{};
        std::size_t index = 0;
        state_.visit_mru([&](const MruRow& row) {
            for (std::size_t i = 0; i < priors; ++i) {
                if (row.remote.addr == q.addr[i]->addr && row.remote.port == q.addr[i]->port &&
                    row.last_ntp == q.last[i]) {
                    at[i] = index;
                    rows[i] = row;
                }
            }
            ++index;
            return true;
        });
        std::size_t found = priors;
        for (std::size_t i = 0; i < priors; ++i)
            if (at[i]) {
                found = i;
                break;
            }
        if (found == priors) return c.error(mode6::ErrorCode::unknown_var);
        anchor_row = rows[found];
        // limit=1 fetches the anchor itself (a lookup by address).
        start = q.limit > 1 ? *at[found] + 1 : *at[found];
    }

    c.reply.status = state_.system().status_word();
    if (anchor_row) {
        c.item(item_timestamp("last.older", anchor_row->last_ntp));
        c.item(item_unquoted("addr.older", endpoint_text(anchor_row->remote)));
    }
    c.item("nonce=" + make_nonce(c.req.source, c.req.now_ntp));

    const std::uint32_t now_s = static_cast<std::uint32_t>(c.req.now_ntp >> 32);
    std::size_t index = 0;
    std::size_t count = 0;
    bool reached_end = true;
    std::optional<std::uint64_t> newest_last;
    state_.visit_mru([&](const MruRow& row) {
        if (index++ < start) return true;
        if (!(c.b().flushed() + 1 < q.frags && count < q.limit)) {
            reached_end = false;
            return false;
        }
        if (row.count < q.min_count) return true;
        if (q.res_all != 0 && (row.restrict_flags & q.res_all) != q.res_all) return true;
        if (q.res_any != 0 && (row.restrict_flags & q.res_any) == 0) return true;
        if (q.max_last_interval_s > 0 &&
            now_s - static_cast<std::uint32_t>(row.last_ntp >> 32) > q.max_last_interval_s)
            return true;
        if (q.local && row.local != *q.local) return true;

        const std::string n = "." + std::to_string(count);
        std::array<std::string, 6> fields = {
            item_unquoted("addr" + n, endpoint_text(row.remote)),
            item_timestamp("last" + n, row.last_ntp),
            item_timestamp("first" + n, row.first_ntp),
            item_int("ct" + n, static_cast<std::int64_t>(row.count)),
            item_uint("mv" + n, row.mode_version),
            item_hex("rs" + n, row.restrict_flags)};
        // Field order is random so clients cannot come to depend on it.
        std::shuffle(fields.begin(), fields.end(), rng_);
        for (const auto& s : fields) c.item(s);
        if (count == 0) add_decoy(c, 0);
        ++count;
        newest_last = row.last_ntp;
        return true;
    });
    if (reached_end) {
        if (count > 1) add_decoy(c, count - 1);
        c.item(item_timestamp("now", c.req.now_ntp));
        if (newest_last) c.item(item_timestamp("last.newest", *newest_last));
    }
    c.finish();
}

}  // namespace ntpd::control
