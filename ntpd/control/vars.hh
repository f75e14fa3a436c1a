#pragma once
// The mode 6 variable tables (system, peer, clock) and the classic value
// formats (mode6.md §6-§8): names in classic code order, the default lists,
// and one formatter per variable. Pure: values in, `name=value` items out.
//
// Requested variables come back in code order, not request order; a variable
// with nothing to show (e.g. `tai` when unknown) produces no item.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ntpd/control/state.hh"

namespace ntpd::control {

// ---- value formats (ctl_put* of classic ntpd) ------------------------------
std::string item_uint(std::string_view name, std::uint64_t v);      // name=%lu
std::string item_int(std::string_view name, std::int64_t v);        // name=%ld
std::string item_hex(std::string_view name, std::uint64_t v);       // name=0x%lx
std::string item_fixed(std::string_view name, double v, int decimals);  // %.Nf
std::string item_general(std::string_view name, double v, int digits);  // %.Ng
std::string item_timestamp(std::string_view name, std::uint64_t ntp);   // 0x%08x.%08x
// name="text"; an empty text gives the bare name (classic ctl_putstr).
std::string item_quoted(std::string_view name, std::string_view text);
// name=text; an empty text gives the bare name (classic ctl_putunqstr).
std::string item_unquoted(std::string_view name, std::string_view text);
// Refid as text: octets up to the first NUL, non-printables as '.'.
std::string item_refid_text(std::string_view name, std::uint32_t refid);
// Refid as a dotted quad (wire octet order).
std::string item_refid_address(std::string_view name, std::uint32_t refid);
// Filestamp: YYYYMMDDhhmm UTC of a Unix time.
std::string item_filestamp(std::string_view name, std::int64_t unix_s);
// name= then eight " %.2f" values in ms.
std::string item_filter(std::string_view name, const std::array<double, 8>& values_s);
// "addr:port" with IPv6 in brackets (classic sptoa).
std::string endpoint_text(const ntp::io::Endpoint& e);
// Kernel status bits as classic k_st_flags prints them ("pll nano", "unsync").
std::string kernel_status_text(std::uint32_t sta_bits);

// ---- variable tables ---------------------------------------------------------
// Code order; the index in the table is the variable's code.
std::span<const std::string_view> system_variable_names();
std::span<const std::string_view> peer_variable_names();
std::span<const std::string_view> clock_variable_names();

// Default lists as codes (indexes into the tables above).
std::span<const std::size_t> default_system_variables();
std::span<const std::size_t> default_peer_variables();
std::span<const std::size_t> default_clock_variables();

// Index of `name` in `table`, nullopt when unknown.
std::optional<std::size_t> find_variable(std::span<const std::string_view> table,
                                         std::string_view name);

// Everything a system variable can draw on. Counter groups are fetched from
// `state` only when one of their variables is asked for.
struct SystemContext {
    SystemContext(const ControlState& state_, const SystemState& system_,
                  const SystemExtras& extras_, std::string_view version_,
                  std::string_view processor_, std::string_view os_, std::uint64_t now_ntp_)
        : state(state_), system(system_), extras(extras_), version(version_),
          processor(processor_), os(os_), now_ntp(now_ntp_) {}

    const ControlState& state;
    const SystemState& system;
    const SystemExtras& extras;
    std::string_view version;
    std::string_view processor;
    std::string_view os;  // `system`: "Linux/6.1.0"
    std::uint64_t now_ntp = 0;

    // Counter groups, fetched from `state` at first use.
    const SysStats& sys_stats() const;
    const MruStats& mru_stats() const;
    const AuthStats& auth_stats() const;
    const KernelInfo& kernel_info() const;
    const IoStats& io_stats() const;
    const TimerStats& timer_stats() const;

private:
    mutable std::optional<SysStats> sys_stats_;
    mutable std::optional<MruStats> mru_stats_;
    mutable std::optional<AuthStats> auth_stats_;
    mutable std::optional<KernelInfo> kernel_info_;
    mutable std::optional<IoStats> io_stats_;
    mutable std::optional<TimerStats> timer_stats_;
};

// The item for system variable `code`, or nullopt when it has nothing to show.
std::optional<std::string> system_item(std::size_t code, const SystemContext& ctx);
std::optional<std::string> peer_item(std::size_t code, const PeerVariables& p);
// `requested`: the client named it (classic "mustput": fudge values and the
// type are sent even when not set).
std::optional<std::string> clock_item(std::size_t code, const ClockVariables& c, bool requested);

}  // namespace ntpd::control
