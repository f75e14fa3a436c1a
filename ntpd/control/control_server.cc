#include "ntpd/control/control_server.hh"

#include <sys/utsname.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "libntp/config/ntp_config.hh"
#include "libntp/wire/varlist.hh"
#include "ntpd/control/context.hh"
#include "ntpd/control/vars.hh"

namespace ntpd::control {

namespace mode6 = ntp::wire::mode6;
using mode6::ErrorCode;
using mode6::Opcode;

namespace {

namespace rflag = ntp::config::restrict_flag;

// CONFIGURE replies, as classic words them.
constexpr std::string_view config_nomodify_text =
    "runtime configuration prohibited by restrict ... nomodify";
constexpr std::string_view config_unprintable_text =
    "runtime configuration failed: request contains an unprintable character";
constexpr std::string_view saveconfig_nomodify_text = "saveconfig prohibited by restrict ... nomodify";
constexpr std::string_view saveconfig_directory_text = "saveconfig does not allow directory in filename";

std::optional<long> parse_long(std::string_view s) {
    long v = 0;
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

bool printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7f) || c == '\t';
}

}  // namespace

ServerConfig host_server_config(std::string version) {
    ServerConfig c;
    c.version = std::move(version);
    utsname u{};
    if (uname(&u) == 0) {
        c.processor = u.machine;
        c.os = std::string(u.sysname) + "/" + u.release;
    }
    return c;
}

// ---------------------------------------------------------------------------

ControlServer::ControlServer(ServerConfig config, ControlState& state, Authenticator* auth,
                             std::span<const std::uint8_t> nonce_secret,
                             std::uint64_t random_seed)
    : config_(std::move(config)), state_(state), auth_(auth),
      nonce_secret_(nonce_secret.begin(), nonce_secret.end()), rng_(random_seed),
      budget_(config_.reply_limits, rng_()) {}

void ControlServer::set_nonce_secret(std::span<const std::uint8_t> secret) {
    nonce_secret_.assign(secret.begin(), secret.end());
}

std::vector<std::vector<std::uint8_t>> ControlServer::handle(const Request& r) {
    ++counters_.requests;
    const auto d = r.datagram;
    const auto h = mode6::decode_header(d);
    if (!h) {
        ++counters_.too_short;
        return {};
    }
    // Classic process_control(): responses, fragments, error packets and a
    // non-zero offset are never answered, nor unknown versions.
    if (h->response || h->more || h->error || h->offset != 0) {
        if (h->response) ++counters_.input_response;
        if (h->more) ++counters_.input_fragment;
        if (h->error) ++counters_.input_error;
        if (h->offset != 0) ++counters_.bad_offset;
        return {};
    }
    if (h->version < 1 || h->version > 4) {
        ++counters_.bad_version;
        return {};
    }

    Context c(r, *h);
    c.reply.leap = static_cast<std::uint8_t>(state_.system().leap & 0x3u);
    c.reply.version = h->version;
    c.reply.mode = mode6::mode_control;
    c.reply.response = true;
    c.reply.opcode = h->opcode;
    c.reply.sequence = h->sequence;
    c.reply.assoc_id = h->assoc_id;

    if (d.size() - mode6::header_len < h->count || d.size() % 4 != 0) {
        ++counters_.data_too_short;
        c.error(ErrorCode::bad_format);
    } else {
        c.data = d.subspan(mode6::header_len, h->count);
        if (auto mac = mode6::find_mac(d, h->count); mac && auth_ != nullptr) {
            if (auth_->verify(mac->key_id, mac->signed_bytes, mac->digest, r.source)) {
                c.authenticated = true;
                c.key_id = mac->key_id;
            } else {
                ++counters_.auth_failed;
            }
        }
        const auto op = static_cast<Opcode>(h->opcode);
        const bool needs_auth = op == Opcode::write_var || op == Opcode::configure ||
                                op == Opcode::save_config || op == Opcode::read_ordlist_a;
        if (needs_auth && !(c.authenticated && config_.control_key != 0 &&
                            c.key_id == config_.control_key)) {
            c.error(ErrorCode::permission);
        } else {
            switch (op) {
                case Opcode::unspec: op_unspec(c); break;
                case Opcode::read_status: op_read_status(c); break;
                case Opcode::read_var: op_read_var(c); break;
                case Opcode::write_var: op_write_var(c); break;
                case Opcode::read_clock: op_read_clock(c); break;
                case Opcode::write_clock: c.error(ErrorCode::permission); break;
                // Traps are not offered: SETTRAP gets classic's "no resource"
                // (PERMISSION), and there is never a trap to remove.
                case Opcode::set_trap: c.error(ErrorCode::permission); break;
                case Opcode::unset_trap: c.error(ErrorCode::bad_assoc); break;
                case Opcode::configure: op_configure(c); break;
                case Opcode::save_config: op_save_config(c); break;
                case Opcode::read_mru: op_read_mru(c); break;
                case Opcode::read_ordlist_a: op_read_ordlist(c); break;
                case Opcode::req_nonce: op_req_nonce(c); break;
                default:
                    ++counters_.bad_op;
                    c.error(ErrorCode::bad_op);
                    break;
            }
        }
    }
    if (c.out.empty()) return {};  // dropped (e.g. READ_MRU without a valid nonce)

    if (!c.authenticated && !c.source_proven && config_.reply_budget && !r.source.addr.is_loopback()) {
        std::size_t total = 0;
        for (const auto& dgram : c.out) total += dgram.size();
        const double now_s = static_cast<double>(r.now_ntp) / 4294967296.0;  // NTP seconds
        if (total > d.size() && !budget_.spend(r.source.addr, total, now_s)) {
            ++counters_.amplification_dropped;
            return {};
        }
    }
    if (c.authenticated && auth_ != nullptr) {
        std::array<std::uint8_t, mode6::max_mac_len> digest{};
        for (auto& dgram : c.out) {
            auto signed_copy = dgram;
            mode6::pad_for_mac(signed_copy);
            const std::size_t n = auth_->sign(c.key_id, signed_copy, digest);
            if (n == 0 || n > mode6::max_mac_len - 4) continue;  // send it unsigned
            mode6::append_mac(signed_copy, c.key_id, std::span(digest).first(n));
            dgram = std::move(signed_copy);
        }
    }
    if (c.is_error) {
        ++counters_.errors;
    } else {
        counters_.fragments += c.out.size() - 1;
        ++counters_.responses;
    }
    return std::move(c.out);
}

// ---------------------------------------------------------------------------

void ControlServer::op_unspec(Context& c) {
    if (c.request.assoc_id != 0) {
        auto peer = state_.peer(c.request.assoc_id);
        if (!peer) return c.error(ErrorCode::bad_assoc);
        c.reply.status = peer->status;
    } else {
        c.reply.status = state_.system().status_word();
    }
    c.finish();
}

void ControlServer::op_read_status(Context& c) {
    if (c.request.assoc_id != 0) {
        auto peer = state_.peer(c.request.assoc_id);
        if (!peer) return c.error(ErrorCode::bad_assoc);
        return read_peer_vars(c, *peer, true);
    }
    c.reply.status = state_.system().status_word();
    for (const auto& [id, status] : state_.associations()) {
        const std::uint8_t pair[4] = {static_cast<std::uint8_t>(id >> 8),
                                      static_cast<std::uint8_t>(id),
                                      static_cast<std::uint8_t>(status >> 8),
                                      static_cast<std::uint8_t>(status)};
        c.b().add_binary(pair);
    }
    c.finish();
}

void ControlServer::read_peer_vars(Context& c, const PeerVariables& peer, bool default_list) {
    std::vector<bool> wants(peer_variable_names().size(), false);
    bool any = false;
    if (!default_list) {
        auto items = mode6::parse_request_items(c.text());
        if (!items) return c.error(ErrorCode::bad_format);
        for (const auto& it : *items) {
            auto code = find_variable(peer_variable_names(), it.name);
            if (!code) return c.error(ErrorCode::unknown_var);
            wants[*code] = true;
            any = true;
        }
    }
    c.reply.status = peer.status;
    if (c.authenticated) state_.clear_event_count(peer.assoc_id);
    if (any) {
        for (std::size_t code = 1; code < wants.size(); ++code)
            if (wants[code])
                if (auto s = peer_item(code, peer)) c.item(*s);
    } else {
        for (std::size_t code : default_peer_variables())
            if (auto s = peer_item(code, peer)) c.item(*s);
    }
    c.finish();
}

void ControlServer::op_read_var(Context& c) {
    if (c.request.assoc_id != 0) {
        auto peer = state_.peer(c.request.assoc_id);
        if (!peer) return c.error(ErrorCode::bad_assoc);
        return read_peer_vars(c, *peer, false);
    }
    auto items = mode6::parse_request_items(c.text());
    if (!items) return c.error(ErrorCode::bad_format);
    const std::vector<UserVariable> user = state_.user_variables();
    std::vector<bool> wants(system_variable_names().size(), false);
    std::vector<bool> wants_user(user.size(), false);
    for (const auto& it : *items) {
        if (auto code = find_variable(system_variable_names(), it.name)) {
            wants[*code] = true;
            continue;
        }
        auto u = std::find_if(user.begin(), user.end(), [&](const auto& v) { return v.name == it.name; });
        if (u == user.end()) return c.error(ErrorCode::unknown_var);
        wants_user[static_cast<std::size_t>(u - user.begin())] = true;
    }
    const SystemState& sys = state_.system();
    c.reply.status = sys.status_word();
    if (c.authenticated) state_.clear_event_count(0);
    const SystemExtras extras = state_.system_extras();
    const SystemContext ctx(state_, sys, extras, config_.version, config_.processor, config_.os,
                            c.req.now_ntp);
    // setvar variables come after the built-in ones, as raw name=value text.
    if (items->empty()) {
        for (std::size_t code : default_system_variables())
            if (auto s = system_item(code, ctx)) c.item(*s);
        for (const auto& v : user)
            if (v.is_default) c.item(v.name + "=" + v.value);
    } else {
        for (std::size_t code = 1; code < wants.size(); ++code)
            if (wants[code])
                if (auto s = system_item(code, ctx)) c.item(*s);
        for (std::size_t i = 0; i < user.size(); ++i)
            if (wants_user[i]) c.item(user[i].name + "=" + user[i].value);
    }
    c.finish();
}

// Classic write_variables(): peers are never writable; of the system
// variables only `leap` is declared writable, and a valid write to it still
// answers UNSPEC ("really", says classic). `setvar` variables take the new
// value; items before a failing one stay written, as in classic. A source
// restricted `nomodify` may not change anything, key or not, as it may not
// :config.
void ControlServer::op_write_var(Context& c) {
    if (c.request.assoc_id != 0 || (c.req.restrict_flags & rflag::nomodify))
        return c.error(ErrorCode::permission);
    c.reply.status = state_.system().status_word();
    auto items = mode6::parse_request_items(c.text());
    if (!items) return c.error(ErrorCode::bad_format);
    for (const auto& it : *items) {
        auto code = find_variable(system_variable_names(), it.name);
        if (!code) {
            const auto user = state_.user_variables();
            if (std::none_of(user.begin(), user.end(), [&](const auto& v) { return v.name == it.name; }))
                return c.error(ErrorCode::unknown_var);
            if (!it.value) return c.error(ErrorCode::bad_format);
            state_.write_user_variable(it.name, *it.value);
            continue;
        }
        if (it.name != "leap") return c.error(ErrorCode::permission);
        auto value = it.value ? parse_long(*it.value) : std::nullopt;
        if (!value) return c.error(ErrorCode::bad_format);
        if ((*value & ~3L) != 0) return c.error(ErrorCode::bad_value);
        return c.error(ErrorCode::unspec);
    }
    c.finish();
}

void ControlServer::op_read_clock(Context& c) {
    std::optional<ClockVariables> clock;
    if (c.request.assoc_id != 0) {
        clock = state_.clock(c.request.assoc_id);
    } else {
        // The sys.peer if it is a clock, else the first clock in the list.
        const auto sys_peer = state_.system().sys_peer_assoc;
        if (sys_peer != 0) clock = state_.clock(sys_peer);
        if (!clock)
            for (const auto& a : state_.associations())
                if ((clock = state_.clock(a.first))) break;
    }
    if (!clock) return c.error(ErrorCode::bad_assoc);

    auto items = mode6::parse_request_items(c.text());
    if (!items) return c.error(ErrorCode::bad_format);
    std::vector<bool> wants(clock_variable_names().size(), false);
    for (const auto& it : *items) {
        auto code = find_variable(clock_variable_names(), it.name);
        if (!code) return c.error(ErrorCode::unknown_var);
        wants[*code] = true;
    }
    c.reply.status = mode6::encode(mode6::ClockStatus{clock->status, clock->last_event});
    if (items->empty()) {
        for (std::size_t code : default_clock_variables())
            if (auto s = clock_item(code, *clock, false)) c.item(*s);
    } else {
        for (std::size_t code = 1; code < wants.size(); ++code)
            if (wants[code])
                if (auto s = clock_item(code, *clock, true)) c.item(*s);
    }
    c.finish();
}

void ControlServer::op_configure(Context& c) {
    if (c.request.assoc_id != 0) return c.error(ErrorCode::bad_value);
    c.reply.status = state_.system().status_word();
    if (c.req.restrict_flags & rflag::nomodify) {
        ++counters_.restricted;
        c.item(std::string(config_nomodify_text));
        return c.finish();
    }
    std::string_view line = c.text();
    // ntpq may end the line with a newline or NULs; anything else unprintable
    // rejects the request (classic bug 2853 check).
    while (!line.empty() && (line.back() == '\0' || line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    if (!std::all_of(line.begin(), line.end(), printable)) {
        c.item(std::string(config_unprintable_text));
        return c.finish();
    }
    c.item(state_.configure(line, c.req.source));
    c.finish();
}

void ControlServer::op_save_config(Context& c) {
    c.reply.status = state_.system().status_word();
    if (c.req.restrict_flags & rflag::nomodify) {
        ++counters_.restricted;
        c.item(std::string(saveconfig_nomodify_text));
        return c.finish();
    }
    std::string_view name = c.text();
    while (!name.empty() && name.back() == '\0') name.remove_suffix(1);
    if (!std::all_of(name.begin(), name.end(), printable)) return c.error(ErrorCode::bad_format);
    if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
        c.item(std::string(saveconfig_directory_text));
        return c.finish();
    }
    c.item(state_.save_config(name, c.req.source));
    c.finish();
}

void ControlServer::op_req_nonce(Context& c) {
    c.item("nonce=" + make_nonce(c.req.source, c.req.now_ntp));
    c.finish();
}

void ControlServer::add_decoy(Context& c, std::size_t index) {
    // A random three-letter tag that no real field uses, so clients learn to
    // ignore tags they do not know (classic send_random_tag_value).
    std::string tag(3, 'a');
    for (auto& ch : tag) ch = static_cast<char>('a' + rng_() % 26);
    c.item(item_uint(tag + "." + std::to_string(index), rng_() % 65536));
}

void ControlServer::op_read_ordlist(Context& c) {
    const std::string_view what = c.text();
    std::mt19937_64& rng = rng_;
    if (what.empty() || what == "ifstats") {
        const auto list = state_.interfaces();
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& f = list[i];
            const std::string n = "." + std::to_string(i);
            std::vector<std::string> fields = {
                item_unquoted("addr" + n, endpoint_text(f.address)),
                item_unquoted("bcast" + n, f.broadcast ? endpoint_text(*f.broadcast) : ""),
                item_int("en" + n, f.enabled ? 1 : 0),
                item_quoted("name" + n, f.name),
                item_hex("flags" + n, f.flags),
                item_int("tl" + n, f.ttl),
                item_int("mc" + n, f.multicast_count),
                item_int("rx" + n, static_cast<std::int64_t>(f.received)),
                item_int("tx" + n, static_cast<std::int64_t>(f.sent)),
                item_int("txerr" + n, static_cast<std::int64_t>(f.send_failed)),
                item_uint("pc" + n, f.peer_count),
                item_uint("up" + n, f.uptime_s)};
            std::shuffle(fields.begin(), fields.end(), rng);
            for (const auto& s : fields) c.item(s);
            add_decoy(c, i);
        }
        return c.finish();
    }
    if (what == "addr_restrictions") {
        const auto list = state_.restrictions();
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& r = list[i];
            const std::string n = "." + std::to_string(i);
            std::vector<std::string> fields = {item_unquoted("addr" + n, r.address.to_string()),
                                               item_unquoted("mask" + n, r.mask.to_string()),
                                               item_uint("hits" + n, r.hits),
                                               item_unquoted("flags" + n, r.flags)};
            std::shuffle(fields.begin(), fields.end(), rng);
            for (const auto& s : fields) c.item(s);
            add_decoy(c, i);
        }
        return c.finish();
    }
    c.error(ErrorCode::unknown_var);
}

}  // namespace ntpd::control
