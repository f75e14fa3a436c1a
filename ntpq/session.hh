#pragma once
// One ntpq run: the current server, settings changed by commands (raw,
// hostnames, timeout, keyid...), the association cache behind `&N`, the
// client-side variable list, and every command of classic ntpq 4.2.8
// (ntpq.c builtins[] and ntpq-subs.c opcmds[]).
//
// Everything outside is injected so the whole command layer runs in tests:
// output streams, how a host is opened (a real UDP socket or a scripted
// fake), how secrets are read, and the current time.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/wire/ntp_time.hh"
#include "ntpq/assoc_table.hh"
#include "ntpq/client.hh"
#include "ntpq/namer.hh"

namespace ntpq {

struct HostSpec {
    std::string name;
    int family = 0;  // 0 any, 4, 6 (-4/-6 before it)
};

struct OpenedHost {
    std::unique_ptr<Channel> channel;
    std::string display_name;  // canonical name, or the numeric address
    bool numeric = false;
    std::optional<ntp::io::IpAddress> address;
};

// Opens a host: nullopt after writing classic's complaint to `error`
// (e.g. gai_strerror text).
using HostOpener = std::function<std::optional<OpenedHost>(const HostSpec&, std::string& error)>;

struct SessionIo {
    std::ostream& out;
    std::ostream& err;
    // Reads one line for a visible prompt (printed by the callee); nullopt at EOF.
    std::function<std::optional<std::string>(const std::string& prompt)> read_line;
    // Reads a secret without echo.
    std::function<std::optional<std::string>(const std::string& prompt)> read_secret;
};

struct SessionSettings {
    bool interactive = false;
    bool old_rv = false;
    bool wide = false;
    bool local_time = true;   // dates in local time (tests use UTC)
    int debug = 0;
    std::string program = "ntpq";
    std::string version_text;
};

class Session {
public:
    Session(SessionIo io, Namer namer, HostOpener opener,
            std::function<ntp::wire::NtpTime()> now, SessionSettings settings);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // All hosts of the command line (for the multi-host columns/prefixes),
    // with their addresses where known: the billboard's "server" column is
    // as wide as the longest of their names (classic maxhostlen).
    void set_host_list(std::vector<HostSpec> hosts,
                       const std::vector<std::optional<ntp::io::IpAddress>>& addresses = {});
    bool open_host(const HostSpec& host);

    // Runs one command line (interactive syntax).
    void run(std::string_view line);
    bool quit_requested() const { return quit_; }

    Namer& namer() { return namer_; }

    struct Arg {
        std::string str;
        std::uint64_t uval = 0;
        std::int64_t ival = 0;
    };
    struct Command;

private:
    using Handler = void (Session::*)(const std::vector<Arg>&, std::ostream&);

    // Querying.
    QueryResult query(std::uint8_t opcode, std::uint16_t assoc, std::string_view data, bool auth,
                      bool quiet = false);
    void show_error(int code, std::uint16_t assoc);
    bool fetch_associations();
    std::string server_prefix() const;
    bool multi_host() const { return hosts_.size() > 1; }
    ntp::wire::NtpTime now() const { return now_(); }
    std::optional<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> packet);
    std::optional<std::uint16_t> check_assoc(std::uint64_t value);

    // Argument decoding (classic getarg()).
    bool decode_arg(const std::string& token, unsigned type, Arg& out);

    // Shared command bodies.
    bool do_list(const std::vector<std::pair<std::string, std::string>>& vars, std::uint16_t assoc,
                 std::uint8_t opcode, int kind, std::ostream& out);
    void do_peers(int list, bool show_all, const std::vector<Arg>& args, std::ostream& out);
    bool find_range(std::uint64_t a, std::uint64_t b, std::size_t& from, std::size_t& to);
    void print_vars(std::string_view data, std::uint16_t status, int kind, bool quiet,
                    std::ostream& out);
    void summary(std::string_view name, const std::vector<Arg>& args, std::ostream& out);

    // Handlers.
    void cmd_help(const std::vector<Arg>&, std::ostream&);
    void cmd_timeout(const std::vector<Arg>&, std::ostream&);
    void cmd_delay(const std::vector<Arg>&, std::ostream&);
    void cmd_host(const std::vector<Arg>&, std::ostream&);
    void cmd_poll(const std::vector<Arg>&, std::ostream&);
    void cmd_passwd(const std::vector<Arg>&, std::ostream&);
    void cmd_hostnames(const std::vector<Arg>&, std::ostream&);
    void cmd_debug(const std::vector<Arg>&, std::ostream&);
    void cmd_quit(const std::vector<Arg>&, std::ostream&);
    void cmd_keyid(const std::vector<Arg>&, std::ostream&);
    void cmd_keytype(const std::vector<Arg>&, std::ostream&);
    void cmd_version(const std::vector<Arg>&, std::ostream&);
    void cmd_raw(const std::vector<Arg>&, std::ostream&);
    void cmd_cooked(const std::vector<Arg>&, std::ostream&);
    void cmd_authenticate(const std::vector<Arg>&, std::ostream&);
    void cmd_ntpversion(const std::vector<Arg>&, std::ostream&);
    void cmd_associations(const std::vector<Arg>&, std::ostream&);
    void cmd_lassociations(const std::vector<Arg>&, std::ostream&);
    void cmd_passociations(const std::vector<Arg>&, std::ostream&);
    void cmd_lpassociations(const std::vector<Arg>&, std::ostream&);
    void cmd_addvars(const std::vector<Arg>&, std::ostream&);
    void cmd_rmvars(const std::vector<Arg>&, std::ostream&);
    void cmd_clearvars(const std::vector<Arg>&, std::ostream&);
    void cmd_showvars(const std::vector<Arg>&, std::ostream&);
    void cmd_readlist(const std::vector<Arg>&, std::ostream&);
    void cmd_writelist(const std::vector<Arg>&, std::ostream&);
    void cmd_readvar(const std::vector<Arg>&, std::ostream&);
    void cmd_writevar(const std::vector<Arg>&, std::ostream&);
    void cmd_mreadlist(const std::vector<Arg>&, std::ostream&);
    void cmd_mreadvar(const std::vector<Arg>&, std::ostream&);
    void cmd_clocklist(const std::vector<Arg>&, std::ostream&);
    void cmd_clockvar(const std::vector<Arg>&, std::ostream&);
    void cmd_pstats(const std::vector<Arg>&, std::ostream&);
    void cmd_peers(const std::vector<Arg>&, std::ostream&);
    void cmd_apeers(const std::vector<Arg>&, std::ostream&);
    void cmd_lpeers(const std::vector<Arg>&, std::ostream&);
    void cmd_opeers(const std::vector<Arg>&, std::ostream&);
    void cmd_lopeers(const std::vector<Arg>&, std::ostream&);
    void cmd_config(const std::vector<Arg>&, std::ostream&);
    void cmd_config_from_file(const std::vector<Arg>&, std::ostream&);
    void cmd_saveconfig(const std::vector<Arg>&, std::ostream&);
    void cmd_mrulist(const std::vector<Arg>&, std::ostream&);
    void cmd_ifstats(const std::vector<Arg>&, std::ostream&);
    void cmd_reslist(const std::vector<Arg>&, std::ostream&);
    void cmd_sysinfo(const std::vector<Arg>&, std::ostream&);
    void cmd_kerninfo(const std::vector<Arg>&, std::ostream&);
    void cmd_sysstats(const std::vector<Arg>&, std::ostream&);
    void cmd_monstats(const std::vector<Arg>&, std::ostream&);
    void cmd_iostats(const std::vector<Arg>&, std::ostream&);
    void cmd_timerstats(const std::vector<Arg>&, std::ostream&);
    void cmd_authinfo(const std::vector<Arg>&, std::ostream&);

    static const std::vector<Command>& commands();
    // 0 unknown, 1 found (`*found` set), >= 2 ambiguous (classic findcmd()).
    static int find_command(std::string_view word, const Command** found);
    static void print_usage(const Command& c, std::ostream& out);

    SessionIo io_;
    Namer namer_;
    HostOpener opener_;
    std::function<ntp::wire::NtpTime()> now_;
    SessionSettings settings_;

    std::vector<HostSpec> hosts_;
    std::size_t max_host_len_ = 0;
    std::unique_ptr<Channel> channel_;
    std::unique_ptr<Mode6Client> client_;
    std::string current_host_;
    bool current_host_numeric_ = false;
    int default_family_ = 0;

    std::chrono::milliseconds primary_timeout_{5000};
    long long delay_ms_ = 20;
    int packet_version_ = 2;
    bool raw_ = false;
    bool always_auth_ = false;
    bool quit_ = false;
    std::uint32_t key_id_ = 0;
    std::string key_type_ = "MD5";
    std::map<std::uint32_t, std::string> secrets_;
    std::vector<Association> assoc_cache_;
    std::vector<std::pair<std::string, std::string>> varlist_;  // name, value ("" = none)
};

}  // namespace ntpq
