#pragma once
// Text of the classic fixed-point values (l_fp, s_fp, u_fp) as classic's
// lfptoa/fptoa/ufptoa print them, shared by the one-shot clients' output
// and debug transcripts. Pure functions.

#include <cstdint>
#include <string>

#include "libntp/oneshot/sample_filter.hh"

namespace ntp::oneshot {

// Classic lfptoa/fptoa/ufptoa: "-" for negative values (also when the
// rounded value is zero: "-0.000000"), never "+", `digits` decimals rounded
// half away from zero on the exact binary value, the carry going into the
// integer part ("1.000000").
std::string format_lfp(Lfp value, int digits);
std::string format_sfp(Sfp value, int digits);
std::string format_ufp(Ufp value, int digits);

}  // namespace ntp::oneshot
