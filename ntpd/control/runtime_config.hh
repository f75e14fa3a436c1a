#pragma once
// Runtime configuration through mode 6: ntpq's `:config LINE`,
// `saveconfig NAME` and `writevar` of `setvar` variables. The control server
// has already checked the controlkey MAC and `nomodify`; this module parses the
// line with the ntp.conf parser, applies what a running daemon can change, keeps
// the daemon's running configuration up to date (so saveconfig writes what is in
// effect), and words the replies as classic does.
//
// What a line may change at runtime: associations (`server`, `pool`, `peer`,
// LOCAL clocks), `unpeer`/`unconfig`, `restrict` with a numeric address,
// `default` or `source`, and `setvar`. Any other directive is refused with a
// reply naming it; nothing of a refused line is applied.

#include <ctime>
#include <string>
#include <string_view>

#include "libntp/config/ntp_config.hh"

namespace ntpd {

// What the daemon changes when a line is applied.
class RuntimeTarget {
public:
    virtual ~RuntimeTarget() = default;
    virtual void add_association(const ntp::config::Association& a) = 0;
    // false: no association matched `target` (an address, host name or id).
    virtual bool unpeer(std::string_view target) = 0;
    virtual void add_restriction(const ntp::config::RestrictEntry& entry) = 0;
};

class RuntimeConfig {
public:
    // `running` and `target` must outlive this.
    RuntimeConfig(ntp::config::NtpConfig& running, RuntimeTarget& target)
        : running_(running), target_(target) {}

    struct Outcome {
        std::string reply;  // the text ntpq prints
        bool applied = false;
    };
    // One configuration line (`:config`).
    Outcome configure(std::string_view line);

    // `saveconfig NAME`: NAME is strftime-expanded with `local_time`, must name
    // a file (no directory part) and is written atomically in `saveconfigdir`.
    Outcome save_config(std::string_view name, const std::tm& local_time);

    // `setvar` variables, in configuration order.
    const std::vector<ntp::config::SetVar>& variables() const { return running_.setvars; }
    // writevar: only an existing setvar variable can be changed (classic);
    // false when `name` is not one.
    bool write_variable(std::string_view name, std::string_view value);

private:
    ntp::config::NtpConfig& running_;
    RuntimeTarget& target_;
};

}  // namespace ntpd
