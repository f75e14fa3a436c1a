#include "ntpq/session.hh"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "libntp/auth/mac.hh"
#include "ntpq/format.hh"
#include "ntpq/mrulist.hh"
#include "ntpq/ordlist.hh"
#include "ntpq/peer_table.hh"
#include "ntpq/summary.hh"
#include "ntpq/var_output.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

// Argument types of the command table (classic NTP_STR, NTP_UINT, ...).
constexpr unsigned NO = 0, STR = 1, UINT = 2, INT = 3, IPV = 4, OPT = 0x80;
constexpr std::size_t max_args = 4;
constexpr std::size_t max_tokens = 1 + max_args + 2;
constexpr std::size_t max_line = 512;
constexpr std::size_t max_list = 128;

enum Kind { kind_sys = 0, kind_peer = 1, kind_clock = 2 };

namespace op {
constexpr std::uint8_t read_status = 1, read_var = 2, write_var = 3, read_clock = 4,
                       configure = 8, save_config = 9, read_ordlist = 11;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_eol(char c) { return c == '\n' || c == '\r' || c == '\0'; }

// Classic tokenize(): blanks separate tokens, "quoted text" is one token,
// and after a first token starting with ':' the rest of the line is one.
std::optional<std::vector<std::string>> tokenize(std::string_view line) {
    std::vector<std::string> tokens;
    std::size_t i = 0, total = 0;
    while (tokens.size() < max_tokens) {
        while (i < line.size() && is_space(line[i])) ++i;
        if (i >= line.size() || is_eol(line[i])) break;
        std::string tok;
        if (tokens.size() == 1 && tokens[0][0] == ':') {
            while (i < line.size() && !is_eol(line[i])) tok += line[i++];
        } else if (line[i] == '"') {
            ++i;
            while (i < line.size() && line[i] != '"' && !is_eol(line[i])) tok += line[i++];
            if (i < line.size() && line[i] == '"') ++i;
        } else {
            while (i < line.size() && line[i] != '"' && !is_space(line[i]) && !is_eol(line[i]))
                tok += line[i++];
        }
        total += tok.size() + 1;
        if (total > max_line) return std::nullopt;
        tokens.push_back(std::move(tok));
    }
    return tokens;
}

// atouint(): decimal digits only.
std::optional<std::uint64_t> atouint(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        if (v > (UINT64_MAX - static_cast<unsigned>(c - '0')) / 10) return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

std::optional<std::int64_t> atoint(std::string_view s) {
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    auto v = atouint(s);
    if (!v || *v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return neg ? -static_cast<std::int64_t>(*v) : static_cast<std::int64_t>(*v);
}

// doaddvlist(): names (with optional values) from comma lists.
void add_vars(std::vector<std::pair<std::string, std::string>>& list, std::string_view text,
              std::ostream& err) {
    for (const auto& v : parse_vars(text)) {
        auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == v.name; });
        if (it != list.end()) {
            it->second = v.value;
            continue;
        }
        if (list.size() >= max_list) {
            err << "Variable list full\n";
            return;
        }
        list.emplace_back(v.name, v.value);
    }
}

// makequerydata(): "a,b=1,c" limited to one request's data.
std::string request_data(const std::vector<std::pair<std::string, std::string>>& list,
                         std::ostream& err) {
    std::string out;
    for (const auto& [name, value] : list) {
        const std::size_t len = name.size() + value.size() + (value.empty() ? 0 : 1) + (out.empty() ? 0 : 1);
        if (out.size() + len > 468) {
            err << "***Ignoring variables starting with `" << name << "'\n";
            break;
        }
        if (!out.empty()) out += ',';
        out += name;
        if (!value.empty()) out += "=" + value;
    }
    return out;
}

VarKind var_kind(int kind) {
    return kind == kind_peer ? VarKind::peer : kind == kind_clock ? VarKind::clock : VarKind::system;
}

}  // namespace

struct Session::Command {
    std::string_view name;
    Handler handler;
    unsigned args[max_args];
    std::string_view desc[max_args];
    std::string_view comment;
};

const std::vector<Session::Command>& Session::commands() {
    static const std::vector<Command> table{
        // Built-in commands (classic ntpq.c builtins[]).
        {"?", &Session::cmd_help, {OPT | STR, NO, NO, NO}, {"command", "", "", ""}, "tell the use and syntax of commands"},
        {"help", &Session::cmd_help, {OPT | STR, NO, NO, NO}, {"command", "", "", ""}, "tell the use and syntax of commands"},
        {"timeout", &Session::cmd_timeout, {OPT | UINT, NO, NO, NO}, {"msec", "", "", ""}, "set the primary receive time out"},
        {"delay", &Session::cmd_delay, {OPT | INT, NO, NO, NO}, {"msec", "", "", ""}, "set the delay added to encryption time stamps"},
        {"host", &Session::cmd_host, {OPT | STR, OPT | STR, NO, NO}, {"-4|-6", "hostname", "", ""}, "specify the host whose NTP server we talk to"},
        {"poll", &Session::cmd_poll, {OPT | UINT, OPT | STR, NO, NO}, {"n", "verbose", "", ""}, "poll an NTP server in client mode `n' times"},
        {"passwd", &Session::cmd_passwd, {OPT | STR, NO, NO, NO}, {"", "", "", ""}, "specify a password to use for authenticated requests"},
        {"hostnames", &Session::cmd_hostnames, {OPT | STR, NO, NO, NO}, {"yes|no", "", "", ""}, "specify whether hostnames or net numbers are printed"},
        {"debug", &Session::cmd_debug, {OPT | STR, NO, NO, NO}, {"no|more|less", "", "", ""}, "set/change debugging level"},
        {"quit", &Session::cmd_quit, {NO, NO, NO, NO}, {"", "", "", ""}, "exit ntpq"},
        {"exit", &Session::cmd_quit, {NO, NO, NO, NO}, {"", "", "", ""}, "exit ntpq"},
        {"keyid", &Session::cmd_keyid, {OPT | UINT, NO, NO, NO}, {"key#", "", "", ""}, "set keyid to use for authenticated requests"},
        {"version", &Session::cmd_version, {NO, NO, NO, NO}, {"", "", "", ""}, "print version number"},
        {"raw", &Session::cmd_raw, {NO, NO, NO, NO}, {"", "", "", ""}, "do raw mode variable output"},
        {"cooked", &Session::cmd_cooked, {NO, NO, NO, NO}, {"", "", "", ""}, "do cooked mode variable output"},
        {"authenticate", &Session::cmd_authenticate, {OPT | STR, NO, NO, NO}, {"yes|no", "", "", ""}, "always authenticate requests to this server"},
        {"ntpversion", &Session::cmd_ntpversion, {OPT | UINT, NO, NO, NO}, {"version number", "", "", ""}, "set the NTP version number to use for requests"},
        {"keytype", &Session::cmd_keytype, {OPT | STR, NO, NO, NO}, {"digest-name", "", "", ""},
         "set key type to use for authenticated requests, one of: MD5 SHA1 SHA256 AES128CMAC ..."},
        // Server commands (classic ntpq-subs.c opcmds[]).
        {"saveconfig", &Session::cmd_saveconfig, {STR, NO, NO, NO}, {"filename", "", "", ""}, "save ntpd configuration to file, . for current config file"},
        {"associations", &Session::cmd_associations, {NO, NO, NO, NO}, {"", "", "", ""}, "print list of association ID's and statuses for the server's peers"},
        {"passociations", &Session::cmd_passociations, {NO, NO, NO, NO}, {"", "", "", ""}, "print list of associations returned by last associations command"},
        {"lassociations", &Session::cmd_lassociations, {NO, NO, NO, NO}, {"", "", "", ""}, "print list of associations including all client information"},
        {"lpassociations", &Session::cmd_lpassociations, {NO, NO, NO, NO}, {"", "", "", ""}, "print last obtained list of associations, including client information"},
        {"addvars", &Session::cmd_addvars, {STR, NO, NO, NO}, {"name[=value][,...]", "", "", ""}, "add variables to the variable list or change their values"},
        {"rmvars", &Session::cmd_rmvars, {STR, NO, NO, NO}, {"name[,...]", "", "", ""}, "remove variables from the variable list"},
        {"clearvars", &Session::cmd_clearvars, {NO, NO, NO, NO}, {"", "", "", ""}, "remove all variables from the variable list"},
        {"showvars", &Session::cmd_showvars, {NO, NO, NO, NO}, {"", "", "", ""}, "print variables on the variable list"},
        {"readlist", &Session::cmd_readlist, {OPT | UINT, NO, NO, NO}, {"assocID", "", "", ""}, "read the system or peer variables included in the variable list"},
        {"rl", &Session::cmd_readlist, {OPT | UINT, NO, NO, NO}, {"assocID", "", "", ""}, "read the system or peer variables included in the variable list"},
        {"writelist", &Session::cmd_writelist, {OPT | UINT, NO, NO, NO}, {"assocID", "", "", ""}, "write the system or peer variables included in the variable list"},
        {"readvar", &Session::cmd_readvar, {OPT | UINT, OPT | STR, OPT | STR, OPT | STR}, {"assocID", "varname1", "varname2", "varname3"}, "read system or peer variables"},
        {"rv", &Session::cmd_readvar, {OPT | UINT, OPT | STR, OPT | STR, OPT | STR}, {"assocID", "varname1", "varname2", "varname3"}, "read system or peer variables"},
        {"writevar", &Session::cmd_writevar, {UINT, STR, NO, NO}, {"assocID", "name=value,[...]", "", ""}, "write system or peer variables"},
        {"mreadlist", &Session::cmd_mreadlist, {UINT, UINT, NO, NO}, {"assocIDlow", "assocIDhigh", "", ""}, "read the peer variables in the variable list for multiple peers"},
        {"mrl", &Session::cmd_mreadlist, {UINT, UINT, NO, NO}, {"assocIDlow", "assocIDhigh", "", ""}, "read the peer variables in the variable list for multiple peers"},
        {"mreadvar", &Session::cmd_mreadvar, {UINT, UINT, OPT | STR, NO}, {"assocIDlow", "assocIDhigh", "name=value[,...]", ""}, "read peer variables from multiple peers"},
        {"mrv", &Session::cmd_mreadvar, {UINT, UINT, OPT | STR, NO}, {"assocIDlow", "assocIDhigh", "name=value[,...]", ""}, "read peer variables from multiple peers"},
        {"clocklist", &Session::cmd_clocklist, {OPT | UINT, NO, NO, NO}, {"assocID", "", "", ""}, "read the clock variables included in the variable list"},
        {"cl", &Session::cmd_clocklist, {OPT | UINT, NO, NO, NO}, {"assocID", "", "", ""}, "read the clock variables included in the variable list"},
        {"clockvar", &Session::cmd_clockvar, {OPT | UINT, OPT | STR, NO, NO}, {"assocID", "name=value[,...]", "", ""}, "read clock variables"},
        {"cv", &Session::cmd_clockvar, {OPT | UINT, OPT | STR, NO, NO}, {"assocID", "name=value[,...]", "", ""}, "read clock variables"},
        {"pstats", &Session::cmd_pstats, {UINT, NO, NO, NO}, {"assocID", "", "", ""}, "show statistics for a peer"},
        {"peers", &Session::cmd_peers, {OPT | IPV, NO, NO, NO}, {"-4|-6", "", "", ""}, "obtain and print a list of the server's peers [IP version]"},
        {"apeers", &Session::cmd_apeers, {OPT | IPV, NO, NO, NO}, {"-4|-6", "", "", ""}, "obtain and print a list of the server's peers and their assocIDs [IP version]"},
        {"lpeers", &Session::cmd_lpeers, {OPT | IPV, NO, NO, NO}, {"-4|-6", "", "", ""}, "obtain and print a list of all peers and clients [IP version]"},
        {"opeers", &Session::cmd_opeers, {OPT | IPV, NO, NO, NO}, {"-4|-6", "", "", ""}, "print peer list the old way, with dstadr shown rather than refid [IP version]"},
        {"lopeers", &Session::cmd_lopeers, {OPT | IPV, NO, NO, NO}, {"-4|-6", "", "", ""}, "obtain and print a list of all peers and clients showing dstadr [IP version]"},
        {":config", &Session::cmd_config, {STR, NO, NO, NO}, {"<configuration command line>", "", "", ""}, "send a remote configuration command to ntpd"},
        {"config-from-file", &Session::cmd_config_from_file, {STR, NO, NO, NO}, {"<configuration filename>", "", "", ""}, "configure ntpd using the configuration filename"},
        {"mrulist", &Session::cmd_mrulist, {OPT | STR, OPT | STR, OPT | STR, OPT | STR}, {"tag=value", "tag=value", "tag=value", "tag=value"},
         "display the list of most recently seen source addresses, tags mincount=... resall=0x... resany=0x..."},
        {"ifstats", &Session::cmd_ifstats, {NO, NO, NO, NO}, {"", "", "", ""}, "show statistics for each local address ntpd is using"},
        {"reslist", &Session::cmd_reslist, {NO, NO, NO, NO}, {"", "", "", ""}, "show ntpd access control list"},
        {"sysinfo", &Session::cmd_sysinfo, {NO, NO, NO, NO}, {"", "", "", ""}, "display system summary"},
        {"kerninfo", &Session::cmd_kerninfo, {NO, NO, NO, NO}, {"", "", "", ""}, "display kernel loop and PPS statistics"},
        {"sysstats", &Session::cmd_sysstats, {NO, NO, NO, NO}, {"", "", "", ""}, "display system uptime and packet counts"},
        {"monstats", &Session::cmd_monstats, {NO, NO, NO, NO}, {"", "", "", ""}, "display monitor (mrulist) counters and limits"},
        {"authinfo", &Session::cmd_authinfo, {NO, NO, NO, NO}, {"", "", "", ""}, "display symmetric authentication counters"},
        {"iostats", &Session::cmd_iostats, {NO, NO, NO, NO}, {"", "", "", ""}, "display network input and output counters"},
        {"timerstats", &Session::cmd_timerstats, {NO, NO, NO, NO}, {"", "", "", ""}, "display interval timer counters"},
    };
    return table;
}

int Session::find_command(std::string_view word, const Command** found) {
    int matches = 0;
    const Command* near = nullptr;
    if (word.empty()) return 0;
    for (const auto& c : commands()) {
        if (c.name.compare(0, word.size(), word) != 0 || c.name.size() < word.size()) continue;
        if (c.name.size() == word.size()) {
            *found = &c;
            return 1;
        }
        ++matches;
        near = &c;
    }
    if (matches == 1) *found = near;
    return matches;
}

void Session::print_usage(const Command& c, std::ostream& out) {
    out << "usage: " << c.name;
    for (std::size_t i = 0; i < max_args && c.args[i] != NO; ++i) {
        if (c.args[i] & OPT) out << " [ " << c.desc[i] << " ]";
        else out << " " << c.desc[i];
    }
    out << "\n";
}

Session::Session(SessionIo io, Namer namer, HostOpener opener,
                 std::function<ntp::wire::NtpTime()> now, SessionSettings settings)
    : io_(std::move(io)), namer_(std::move(namer)), opener_(std::move(opener)), now_(std::move(now)),
      settings_(std::move(settings)) {}

Session::~Session() = default;

void Session::set_host_list(std::vector<HostSpec> hosts,
                            const std::vector<std::optional<ntp::io::IpAddress>>& addresses) {
    hosts_ = std::move(hosts);
    for (const auto& a : addresses)
        if (a) max_host_len_ = std::max(max_host_len_, namer_.host(*a).size());
}

bool Session::open_host(const HostSpec& host) {
    std::string error;
    auto opened = opener_(host, error);
    if (!opened) {
        if (!error.empty()) io_.err << error << "\n";
        return false;
    }
    client_.reset();
    channel_ = std::move(opened->channel);
    current_host_ = opened->display_name;
    current_host_numeric_ = opened->numeric;
    if (opened->address) max_host_len_ = std::max(max_host_len_, namer_.host(*opened->address).size());
    client_ = std::make_unique<Mode6Client>(
        *channel_, current_host_, [this](const std::string& s) { io_.err << s; }, settings_.program);
    client_->settings().primary_timeout = primary_timeout_;
    client_->settings().version = packet_version_;
    client_->settings().debug = settings_.debug;
    assoc_cache_.clear();
    return true;
}

std::string Session::server_prefix() const {
    return multi_host() ? "server=" + current_host_ + " " : std::string();
}

void Session::show_error(int code, std::uint16_t assoc) {
    if (code == query_code::local_failure) return;
    if (code == query_code::interrupted) {
        io_.err << "\n >>> command aborted <<<\n";
        return;
    }
    io_.err << server_prefix() << query_error_text(code, assoc) << "\n";
}

QueryResult Session::query(std::uint8_t opcode, std::uint16_t assoc, std::string_view data,
                           bool auth, bool quiet) {
    if (!client_) {
        io_.err << "***No host open, use `host' command\n";
        QueryResult r;
        r.code = query_code::local_failure;
        return r;
    }
    client_->settings().primary_timeout = primary_timeout_;
    client_->settings().version = packet_version_;
    client_->settings().debug = settings_.debug;
    RequestSigner signer = [this](std::span<const std::uint8_t> p) { return sign(p); };
    auto r = client_->query(opcode, assoc, data, (auth || always_auth_) ? &signer : nullptr);
    if (r.code != 0 && (!quiet || r.code == query_code::interrupted)) show_error(r.code, assoc);
    return r;
}

std::optional<std::vector<std::uint8_t>> Session::sign(std::span<const std::uint8_t> packet) {
    if (key_id_ == 0) {
        std::uint32_t id = 0;
        if (auto line = io_.read_line("Keyid: ")) id = static_cast<std::uint32_t>(std::atoi(line->substr(0, 19).c_str()));
        if (id == 0 || id > 65535) {
            io_.err << "Invalid key identifier\n";
            return std::nullopt;
        }
        key_id_ = id;
    }
    if (!secrets_.count(key_id_)) {
        auto pass = io_.read_secret(key_type_ + " Password: ");
        if (!pass || pass->empty()) {
            io_.err << "Invalid password\n";
            return std::nullopt;
        }
        secrets_[key_id_] = *pass;
    }
    auto alg = ntp::auth::MacAlgorithm::from_name(key_type_);
    if (!alg) {
        io_.err << "Key not found\n";
        return std::nullopt;
    }
    const std::string& secret = secrets_[key_id_];
    ntp::auth::MacComputer macs;
    std::array<std::uint8_t, ntp::auth::max_digest_size> digest{};
    const std::size_t n = macs.compute(
        *alg, std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()), packet,
        digest);
    if (n == 0) {
        io_.err << "Key not found\n";
        return std::nullopt;
    }
    std::vector<std::uint8_t> mac{static_cast<std::uint8_t>(key_id_ >> 24),
                                  static_cast<std::uint8_t>(key_id_ >> 16),
                                  static_cast<std::uint8_t>(key_id_ >> 8),
                                  static_cast<std::uint8_t>(key_id_)};
    mac.insert(mac.end(), digest.begin(), digest.begin() + static_cast<std::ptrdiff_t>(n));
    return mac;
}

std::optional<std::uint16_t> Session::check_assoc(std::uint64_t value) {
    if (value == 0 || value > 0xffff) {
        io_.err << "***Invalid association ID " << value << " specified\n";
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

bool Session::fetch_associations() {
    auto r = query(op::read_status, 0, {}, false);
    if (r.code != 0) return false;
    if (r.data.empty()) {
        io_.out << server_prefix() << "No association ID's returned\n";
        return false;
    }
    auto list = decode_associations(r.data);
    if (!list) {
        io_.err << server_prefix() << "***Server returned " << r.data.size()
                << " octets, should be multiple of 4\n";
        return false;
    }
    assoc_cache_ = std::move(*list);
    return true;
}

bool Session::decode_arg(const std::string& token, unsigned type, Arg& out) {
    switch (type & ~OPT) {
    case STR:
        out.str = token;
        return true;
    case UINT:
        if (!token.empty() && token[0] == '&') {
            auto n = atouint(std::string_view(token).substr(1));
            if (!n) {
                io_.err << "***Association index `" << token << "' invalid/undecodable\n";
                return false;
            }
            if (assoc_cache_.empty()) {
                fetch_associations();
                if (assoc_cache_.empty()) {
                    io_.err << "***No associations found, `" << token << "' unknown\n";
                    return false;
                }
            }
            // Classic clamps an index past the end to the last association.
            const std::size_t idx = std::clamp<std::uint64_t>(*n, 1, assoc_cache_.size()) - 1;
            out.uval = assoc_cache_[idx].assoc_id;
            out.str = token;
            return true;
        }
        if (auto n = atouint(token)) {
            out.uval = *n;
            out.str = token;
            return true;
        }
        io_.err << "***Illegal unsigned value " << token << "\n";
        return false;
    case INT:
        if (auto n = atoint(token)) {
            out.ival = *n;
            out.str = token;
            return true;
        }
        io_.err << "***Illegal integer value " << token << "\n";
        return false;
    case IPV:
        if (token == "-6") out.ival = 6;
        else if (token == "-4") out.ival = 4;
        else {
            io_.err << "***Version must be either 4 or 6\n";
            return false;
        }
        out.str = token;
        return true;
    }
    return false;
}

void Session::run(std::string_view line) {
    auto tokens = tokenize(line);
    if (!tokens) {
        io_.err << "***Line `" << line << "' is too big\n";
        return;
    }
    if (tokens->empty()) return;
    const Command* cmd = nullptr;
    const int found = find_command((*tokens)[0], &cmd);
    if (found == 0) {
        io_.err << "***Command `" << (*tokens)[0] << "' unknown\n";
        return;
    }
    if (found >= 2) {
        io_.err << "***Command `" << (*tokens)[0] << "' ambiguous\n";
        return;
    }
    for (std::size_t i = max_args + 1; i < tokens->size(); ++i)
        io_.err << "***Extra arg `" << (*tokens)[i] << "' ignored\n";

    std::vector<Arg> args;
    std::size_t i = 0;
    for (; i < max_args && cmd->args[i] != NO; ++i) {
        if (i + 1 >= tokens->size()) {
            if (!(cmd->args[i] & OPT)) {
                print_usage(*cmd, io_.err);
                return;
            }
            break;
        }
        const std::string& tok = (*tokens)[i + 1];
        if ((cmd->args[i] & OPT) && tok[0] == '>') break;
        Arg a;
        if (!decode_arg(tok, cmd->args[i], a)) return;
        args.push_back(std::move(a));
    }
    const std::size_t next = args.size() + 1;

    std::ofstream file;
    std::ostream* out = &io_.out;
    if (next < tokens->size() && (*tokens)[next][0] == '>') {
        std::string name = (*tokens)[next].substr(1);
        if (name.empty()) {
            if (next + 1 < tokens->size()) name = (*tokens)[next + 1];
            else {
                io_.err << "***No file for redirect\n";
                return;
            }
        }
        file.open(name, std::ios::out | std::ios::trunc);
        if (!file) {
            io_.err << "***Error opening " << name << ": " << std::strerror(errno) << "\n";
            return;
        }
        out = &file;
    }
    (this->*(cmd->handler))(args, *out);
    out->flush();
}

// ---------------------------------------------------------------------------
// Built-in commands.

void Session::cmd_help(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        std::vector<std::string_view> names;
        for (const auto& c : commands())
            if (c.name[0] != '?') names.push_back(c.name);
        std::sort(names.begin(), names.end());
        std::size_t col = 0;
        for (auto n : names) col = std::max(col, n.size());
        ++col;
        const std::size_t cols = std::max<std::size_t>(1, 76 / col);
        const std::size_t rows = (names.size() + cols - 1) / cols;
        out << "ntpq commands:\n";
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t w = r; w < names.size(); w += rows)
                out << pad_right(clip(names[w], col - 1), col);
            out << "\n";
        }
        return;
    }
    const Command* c = nullptr;
    const int n = find_command(args[0].str, &c);
    if (n == 0) {
        io_.err << "Command `" << args[0].str << "' is unknown\n";
        return;
    }
    if (n >= 2) {
        io_.err << "Command `" << args[0].str << "' is ambiguous\n";
        return;
    }
    out << "function: " << c->comment << "\n";
    print_usage(*c, out);
}

void Session::cmd_timeout(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << "primary timeout " << primary_timeout_.count() << " ms\n";
        return;
    }
    primary_timeout_ = std::chrono::milliseconds(std::min<std::uint64_t>(args[0].uval, 1u << 30));
}

void Session::cmd_delay(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << "delay " << delay_ms_ << " ms\n";
        return;
    }
    delay_ms_ = args[0].ival;
}

void Session::cmd_host(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        if (client_) out << "current host is " << current_host_ << "\n";
        else out << "no current host\n";
        return;
    }
    HostSpec spec{args[0].str, default_family_};
    bool opened = false;
    if (args.size() == 2) {
        if (args[0].str == "-4") spec = {args[1].str, 4};
        else if (args[0].str == "-6") spec = {args[1].str, 6};
        else spec.name.clear();
    }
    if (!spec.name.empty()) opened = open_host(spec);
    if (opened) out << "current host set to " << current_host_ << "\n";
    else if (client_) out << "current host remains " << current_host_ << "\n";
    else out << "still no current host\n";
}

void Session::cmd_poll(const std::vector<Arg>&, std::ostream& out) {
    out << "poll not implemented yet\n";
}

void Session::cmd_passwd(const std::vector<Arg>& args, std::ostream& out) {
    if (key_id_ == 0) {
        if (auto line = io_.read_line("Keyid: "))
            key_id_ = static_cast<std::uint32_t>(std::atoi(line->substr(0, 19).c_str()));
        if (key_id_ == 0) {
            out << "Keyid must be defined\n";
            return;
        }
    }
    std::string pass;
    if (!args.empty()) {
        pass = args[0].str;
    } else {
        auto p = io_.read_secret(key_type_ + " Password: ");
        if (!p || p->empty()) {
            out << "Password unchanged\n";
            return;
        }
        pass = *p;
    }
    secrets_[key_id_] = pass;
}

void Session::cmd_hostnames(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << (namer_.show_names() ? "hostnames being shown\n" : "hostnames not being shown\n");
    } else if (args[0].str == "yes") {
        namer_.set_show_names(true);
    } else if (args[0].str == "no") {
        namer_.set_show_names(false);
    } else {
        io_.err << "What?\n";
    }
}

void Session::cmd_debug(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << "debug level is " << settings_.debug << "\n";
        return;
    }
    if (args[0].str == "no") settings_.debug = 0;
    else if (args[0].str == "more") ++settings_.debug;
    else if (args[0].str == "less") --settings_.debug;
    else {
        out << "What?\n";
        return;
    }
    out << "debug level set to " << settings_.debug << "\n";
}

void Session::cmd_quit(const std::vector<Arg>&, std::ostream&) { quit_ = true; }

void Session::cmd_keyid(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        if (key_id_ == 0) out << "no keyid defined\n";
        else out << "keyid is " << key_id_ << "\n";
        return;
    }
    if (args[0].uval > 65535) out << "Invalid key identifier\n";
    key_id_ = static_cast<std::uint32_t>(args[0].uval);
}

void Session::cmd_keytype(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        auto alg = ntp::auth::MacAlgorithm::from_name(key_type_);
        out << "keytype is " << key_type_ << " with " << (alg ? alg->digest_size() : 0)
            << " octet digests\n";
        return;
    }
    auto alg = ntp::auth::MacAlgorithm::from_name(args[0].str);
    if (!alg) {
        out << "keytype is not valid. Type \"help keytype\" for the available digest types.\n";
        return;
    }
    key_type_ = std::string(alg->name());
}

void Session::cmd_version(const std::vector<Arg>&, std::ostream& out) {
    out << settings_.version_text << "\n";
}

void Session::cmd_raw(const std::vector<Arg>&, std::ostream& out) {
    raw_ = true;
    out << "Output set to raw\n";
}

void Session::cmd_cooked(const std::vector<Arg>&, std::ostream& out) {
    raw_ = false;
    out << "Output set to cooked\n";
}

void Session::cmd_authenticate(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << (always_auth_ ? "authenticated requests being sent\n"
                             : "unauthenticated requests being sent\n");
    } else if (args[0].str == "yes") {
        always_auth_ = true;
    } else if (args[0].str == "no") {
        always_auth_ = false;
    } else {
        io_.err << "What?\n";
    }
}

void Session::cmd_ntpversion(const std::vector<Arg>& args, std::ostream& out) {
    if (args.empty()) {
        out << "NTP version being claimed is " << packet_version_ << "\n";
    } else if (args[0].uval < 1 || args[0].uval > 4) {
        io_.err << "versions 1 to 4, please\n";
    } else {
        packet_version_ = static_cast<int>(args[0].uval);
    }
}

// ---------------------------------------------------------------------------
// Associations and variable lists.

void Session::cmd_associations(const std::vector<Arg>&, std::ostream& out) {
    if (fetch_associations()) out << format_associations(assoc_cache_, false, packet_version_);
}

void Session::cmd_lassociations(const std::vector<Arg>&, std::ostream& out) {
    if (fetch_associations()) out << format_associations(assoc_cache_, true, packet_version_);
}

void Session::cmd_passociations(const std::vector<Arg>&, std::ostream& out) {
    out << format_associations(assoc_cache_, false, packet_version_);
}

void Session::cmd_lpassociations(const std::vector<Arg>&, std::ostream& out) {
    out << format_associations(assoc_cache_, true, packet_version_);
}

void Session::cmd_addvars(const std::vector<Arg>& args, std::ostream&) {
    add_vars(varlist_, args[0].str, io_.err);
}

void Session::cmd_rmvars(const std::vector<Arg>& args, std::ostream&) {
    for (const auto& v : parse_vars(args[0].str)) {
        auto it = std::find_if(varlist_.begin(), varlist_.end(), [&](const auto& p) { return p.first == v.name; });
        if (it == varlist_.end()) io_.err << "Variable `" << v.name << "' not found\n";
        else varlist_.erase(it);
    }
}

void Session::cmd_clearvars(const std::vector<Arg>&, std::ostream&) { varlist_.clear(); }

void Session::cmd_showvars(const std::vector<Arg>&, std::ostream& out) {
    if (varlist_.empty()) {
        out << "No variables on list\n";
        return;
    }
    for (const auto& [name, value] : varlist_) {
        if (value.empty()) out << name << "\n";
        else out << name << "=" << value << "\n";
    }
}

void Session::print_vars(std::string_view data, std::uint16_t status, int kind, bool quiet,
                         std::ostream& out) {
    if (!quiet) out << status_line(status, var_kind(kind), raw_);
    if (raw_) {
        out << raw_vars(data);
        return;
    }
    PrintContext ctx{namer_, now(), settings_.local_time};
    out << cooked_vars(data, ctx);
}

bool Session::do_list(const std::vector<std::pair<std::string, std::string>>& vars,
                      std::uint16_t assoc, std::uint8_t opcode, int kind, std::ostream& out) {
    const bool quiet = settings_.old_rv ? false : !vars.empty();
    const std::string data = request_data(vars, io_.err);
    auto r = query(opcode, assoc, data, false);
    if (r.code != 0) return false;
    out << server_prefix();
    if (r.data.empty()) {
        const char* clock = kind == kind_clock ? " clock" : "";
        if (assoc == 0) out << "No system" << clock << " variables returned\n";
        else out << "No information returned for" << clock << " association " << assoc << "\n";
        return true;
    }
    if (!quiet) out << "associd=" << assoc << " ";
    print_vars(r.text(), r.status, kind, quiet, out);
    return true;
}

void Session::cmd_readlist(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (!args.empty() && args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    do_list(varlist_, assoc, op::read_var, assoc ? kind_peer : kind_sys, out);
}

void Session::cmd_writelist(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (!args.empty() && args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    auto r = query(op::write_var, assoc, request_data(varlist_, io_.err), true);
    if (r.code != 0) return;
    out << server_prefix();
    if (r.data.empty()) {
        out << "done! (no data returned)\n";
        return;
    }
    out << "associd=" << assoc << " ";
    print_vars(r.text(), r.status, assoc ? kind_peer : kind_sys, false, out);
}

void Session::cmd_readvar(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (!args.empty() && args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    std::vector<std::pair<std::string, std::string>> vars;
    for (std::size_t i = 1; i < args.size(); ++i) add_vars(vars, args[i].str, io_.err);
    do_list(vars, assoc, op::read_var, assoc ? kind_peer : kind_sys, out);
}

void Session::cmd_writevar(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    std::vector<std::pair<std::string, std::string>> vars;
    add_vars(vars, args[1].str, io_.err);
    auto r = query(op::write_var, assoc, request_data(vars, io_.err), true);
    if (r.code != 0) return;
    out << server_prefix();
    if (r.data.empty()) {
        out << "done! (no data returned)\n";
        return;
    }
    out << "associd=" << assoc << " ";
    print_vars(r.text(), r.status, assoc ? kind_peer : kind_sys, false, out);
}

bool Session::find_range(std::uint64_t a, std::uint64_t b, std::size_t& from, std::size_t& to) {
    if (assoc_cache_.empty()) fetch_associations();
    auto first = check_assoc(a);
    if (!first) return false;
    auto second = check_assoc(b);
    if (!second) return false;
    std::optional<std::size_t> ind[2];
    const std::uint16_t ids[2] = {*first, *second};
    for (int k = 0; k < 2; ++k)
        for (std::size_t i = 0; i < assoc_cache_.size(); ++i)
            if (assoc_cache_[i].assoc_id == ids[k]) ind[k] = i;
    for (int k = 0; k < 2; ++k) {
        if (!ind[k]) {
            io_.err << "***Association ID " << ids[k] << " not found in list\n";
            return false;
        }
    }
    from = std::min(*ind[0], *ind[1]);
    to = std::max(*ind[0], *ind[1]);
    return true;
}

void Session::cmd_mreadlist(const std::vector<Arg>& args, std::ostream& out) {
    std::size_t from = 0, to = 0;
    if (!find_range(args[0].uval, args[1].uval, from, to)) return;
    const auto ids = assoc_cache_;
    for (std::size_t i = from; i <= to && i < ids.size(); ++i) {
        if (i != from) out << "\n";
        if (!do_list(varlist_, ids[i].assoc_id, op::read_var, kind_peer, out)) return;
    }
}

void Session::cmd_mreadvar(const std::vector<Arg>& args, std::ostream& out) {
    std::size_t from = 0, to = 0;
    if (!find_range(args[0].uval, args[1].uval, from, to)) return;
    std::vector<std::pair<std::string, std::string>> vars;
    if (args.size() >= 3) add_vars(vars, args[2].str, io_.err);
    else vars = varlist_;
    const auto ids = assoc_cache_;
    for (std::size_t i = from; i <= to && i < ids.size(); ++i)
        if (!do_list(vars, ids[i].assoc_id, op::read_var, kind_peer, out)) return;
}

void Session::cmd_clocklist(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (!args.empty() && args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    do_list(varlist_, assoc, op::read_clock, kind_clock, out);
}

void Session::cmd_clockvar(const std::vector<Arg>& args, std::ostream& out) {
    std::uint16_t assoc = 0;
    if (!args.empty() && args[0].uval != 0) {
        auto a = check_assoc(args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    std::vector<std::pair<std::string, std::string>> vars;
    if (args.size() >= 2) add_vars(vars, args[1].str, io_.err);
    do_list(vars, assoc, op::read_clock, kind_clock, out);
}

// ---------------------------------------------------------------------------
// Peers billboard.

void Session::do_peers(int list, bool show_all, const std::vector<Arg>& args, std::ostream& out) {
    const int family = args.empty() ? 0 : static_cast<int>(args[0].ival);
    if (!fetch_associations()) return;
    PeerTableContext ctx{namer_, now().timestamp()};
    ctx.packet_version = packet_version_;
    ctx.wide = settings_.wide;
    ctx.family = family;
    ctx.multi_host = multi_host();
    ctx.host_width = max_host_len_;
    ctx.current_host = current_host_;
    ctx.current_host_numeric = current_host_numeric_;
    const auto kind = static_cast<PeerList>(list);
    out << peer_table_header(kind, ctx);
    const auto ids = assoc_cache_;
    for (const auto& a : ids) {
        if (!show_all && !shown_by_default(a.status)) {
            if (settings_.debug) io_.err << "eliding [" << a.assoc_id << "]\n";
            continue;
        }
        // Classic asks with an empty variable list ("damn fuzzballs"), so the
        // server's default peer list must carry every column.
        auto r = query(op::read_var, a.assoc_id, {}, false);
        if (r.code != 0) return;
        if (r.data.empty()) {
            io_.err << server_prefix() << "***No information returned for association "
                    << a.assoc_id << "\n";
            return;
        }
        std::string warnings;
        out << peer_table_row(kind, a.assoc_id, r.status, r.text(), ctx, &warnings);
        io_.err << warnings;
    }
}

void Session::cmd_peers(const std::vector<Arg>& a, std::ostream& o) { do_peers(0, false, a, o); }
void Session::cmd_apeers(const std::vector<Arg>& a, std::ostream& o) { do_peers(1, false, a, o); }
void Session::cmd_lpeers(const std::vector<Arg>& a, std::ostream& o) { do_peers(0, true, a, o); }
void Session::cmd_opeers(const std::vector<Arg>& a, std::ostream& o) { do_peers(2, false, a, o); }
void Session::cmd_lopeers(const std::vector<Arg>& a, std::ostream& o) { do_peers(2, true, a, o); }

// ---------------------------------------------------------------------------
// Configuration.

void Session::cmd_config(const std::vector<Arg>& args, std::ostream& out) {
    const std::string& line = args[0].str;
    auto r = query(op::configure, 0, line, true);
    if (r.code != 0) return;
    std::string resp(r.text());
    if (!resp.empty() && resp.back() == '\n') resp.pop_back();
    if (!resp.empty() && resp.back() == '\r') resp.pop_back();
    resp = resp.substr(0, resp.find('\0'));
    int col = -1;
    if (std::sscanf(resp.c_str(), "column %d syntax error", &col) == 1 && col >= 0 &&
        static_cast<std::size_t>(col) <= line.size() + 1) {
        if (settings_.interactive) out << "             *";  // under "ntpq> :config "
        else out << line << "\n";
        out << std::string(static_cast<std::size_t>(col), '_') << "^\n";
    }
    out << resp << "\n";
}

void Session::cmd_config_from_file(const std::vector<Arg>& args, std::ostream& out) {
    std::ifstream in(args[0].str);
    if (!in) {
        out << "ERROR!! Couldn't open file: " << args[0].str << "\n";
        return;
    }
    out << "Sending configuration file, one line at a time.\n";
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        line = line.substr(0, std::min(line.find('#'), max_line - 1));
        while (!line.empty() && static_cast<unsigned char>(line.back()) <= ' ') line.pop_back();
        ++number;
        if (line.empty()) continue;
        QueryResult r;
        for (int attempt = 0; attempt < 3; ++attempt) {
            r = query(op::configure, 0, line, true);
            if (r.code == 0) break;
        }
        if (r.code != 0) {
            out << "Line No: " << number << " query failed: " << line << "\nSubsequent lines not sent.\n";
            return;
        }
        std::string resp(r.text());
        while (!resp.empty() && static_cast<unsigned char>(resp.back()) <= ' ') resp.pop_back();
        out << "Line No: " << number << " " << resp << ": " << line << "\n";
    }
    out << "Done sending file\n";
}

void Session::cmd_saveconfig(const std::vector<Arg>& args, std::ostream& out) {
    auto r = query(op::save_config, 0, args[0].str, true);
    if (r.code != 0) return;
    if (r.data.empty()) out << "(no response message, curiously)";
    else out << r.text();
}

// ---------------------------------------------------------------------------
// mrulist, ifstats, reslist.

void Session::cmd_mrulist(const std::vector<Arg>& args, std::ostream& out) {
    io_.err << "Ctrl-C will stop MRU retrieval and display partial results.\n";
    io_.err.flush();
    std::vector<std::string> words;
    for (const auto& a : args) words.push_back(a.str);
    const auto parsed = parse_mru_arguments(words);
    for (const auto& w : parsed.ignored) io_.err << "ignoring unrecognized mrulist parameter: " << w << "\n";
    auto q = [this](std::uint8_t opcode, std::string_view data) {
        return query(opcode, 0, data, false, true);
    };
    std::function<void(const QueryResult&)> raw;
    if (raw_) raw = [&out](const QueryResult& r) { out << raw_vars(r.text()); };
    auto result = collect_mru(q, parsed, [this](const std::string& s) { io_.err << s; }, raw);
    io_.err.flush();
    if (!result.ok || raw_) return;
    out << format_mru(result, parsed.sort, namer_);
}

void Session::cmd_ifstats(const std::vector<Arg>&, std::ostream& out) {
    auto r = query(op::read_ordlist, 0, {}, true);
    if (r.code != 0) return;
    std::string problems;
    out << format_ifstats(r.text(), &problems);
    io_.err << problems;
}

void Session::cmd_reslist(const std::vector<Arg>&, std::ostream& out) {
    auto r = query(op::read_ordlist, 0, "addr_restrictions", true);
    if (r.code != 0) return;
    std::string problems;
    out << format_reslist(r.text(), &problems);
    io_.err << problems;
}

// ---------------------------------------------------------------------------
// Summary commands.

void Session::summary(std::string_view name, const std::vector<Arg>& args, std::ostream& out) {
    const SummaryCommand* cmd = find_summary_command(name);
    if (!cmd) return;
    std::uint16_t assoc = 0;
    if (cmd->association) {
        auto a = check_assoc(args.empty() ? 0 : args[0].uval);
        if (!a) return;
        assoc = *a;
    }
    auto r = query(op::read_var, assoc, summary_request(*cmd), false);
    if (r.code != 0) return;
    if (cmd->status_header) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "associd=%u ", assoc);
        out << buf << status_line(r.status, assoc ? VarKind::peer : VarKind::system, false);
    }
    std::string warnings;
    out << format_summary(*cmd, r.text(), namer_, now(), settings_.local_time, &warnings);
    io_.err << warnings;
}

void Session::cmd_pstats(const std::vector<Arg>& a, std::ostream& o) { summary("pstats", a, o); }
void Session::cmd_sysinfo(const std::vector<Arg>& a, std::ostream& o) { summary("sysinfo", a, o); }
void Session::cmd_kerninfo(const std::vector<Arg>& a, std::ostream& o) { summary("kerninfo", a, o); }
void Session::cmd_sysstats(const std::vector<Arg>& a, std::ostream& o) { summary("sysstats", a, o); }
void Session::cmd_monstats(const std::vector<Arg>& a, std::ostream& o) { summary("monstats", a, o); }
void Session::cmd_iostats(const std::vector<Arg>& a, std::ostream& o) { summary("iostats", a, o); }
void Session::cmd_timerstats(const std::vector<Arg>& a, std::ostream& o) { summary("timerstats", a, o); }
void Session::cmd_authinfo(const std::vector<Arg>& a, std::ostream& o) { summary("authinfo", a, o); }

}  // namespace ntpq
