#pragma once
// Writes an NtpConfig back as ntp.conf text (`ntpd --saveconfigquit FILE`).
// The output is normalized (one directive per line, fixed option order,
// defaults omitted, includefiles flattened) and re-loadable: parsing it again
// yields an equal NtpConfig. Unsupported directives that are not stored in
// NtpConfig (crypto, phone, simulate, ...) are not written.

#include <string>

#include "libntp/config/ntp_config.hh"

namespace ntp::config {

std::string format_config(const NtpConfig& config);

}  // namespace ntp::config
