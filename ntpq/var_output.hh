#pragma once
// readvar-style output of a mode 6 variable list (classic printvars(),
// cookedprint(), rawprint()): pure functions from reply data to text.
//
// Cooked: items in the order received, "name=value" joined by ", ", a new
// line (",\n") when the line would pass 72 columns, a final "\n". Values of
// leap, reach, refid, timestamps, srcadr/peeradr/dstadr, flash and the
// filter arrays are converted; everything else is printed as sent (cat -v
// for unprintable octets); a value that does not parse gets a '?' appended.
//
// Raw: the server's text as sent, "\r\n" shown as "\n", other unprintable
// octets cat -v style.

#include <cstdint>
#include <string>
#include <string_view>

#include "libntp/wire/ntp_time.hh"
#include "ntpq/namer.hh"

namespace ntpq {

enum class VarKind { system, peer, clock };

struct PrintContext {
    const Namer& namer;
    ntp::wire::NtpTime now;  // era reference for timestamps
    bool local_time = true;  // false: dates in UTC (tests)
};

// "status=%04x <decoded>,\n" (cooked) or "status=0x%04x,\n" (raw); classic
// prints "associd=N " before it.
std::string status_line(std::uint16_t status, VarKind kind, bool raw);

std::string cooked_vars(std::string_view data, const PrintContext& ctx);
std::string raw_vars(std::string_view data);

// Accumulates "name=value" items with classic's 72-column wrapping.
class CookedLine {
public:
    void add(std::string_view name, std::string_view value);
    // The text so far plus the closing "\n" (nothing when no item was added).
    std::string finish() const;

private:
    std::string text_;
    std::size_t chars_ = 0;
    std::size_t line_ = 0;
};

// One value rendered the cooked way; exposed for tests.
std::string cook_value(std::string_view name, std::string_view value, const PrintContext& ctx);

}  // namespace ntpq
