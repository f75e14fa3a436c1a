#include "libntp/client/refclock_text.hh"

#include <array>

namespace ntp::client {

namespace {

// Clock type names of classic libntp/clocktypes.c, indexed by driver type.
constexpr std::array<const char*, 47> clock_type_names{
    "UNKNOWN",     "LOCAL",       "GPS_TRAK",    "WWV_PST",      "SPECTRACOM", "TRUETIME",
    "IRIG_AUDIO",  "CHU_AUDIO",   "GENERIC",     "GPS_MX4200",   "GPS_AS2201", "GPS_ARBITER",
    "IRIG_TPRO",   "ATOM_LEITCH", "MSF_EES",     "NOT_USED",     "GPS_BANC",   "GPS_DATUM",
    "ACTS_MODEM",  "WWV_HEATH",   "GPS_NMEA",    "GPS_VME",      "PPS",        "NOT_USED",
    "NOT_USED",    "NOT_USED",    "GPS_HP",      "MSF_ARCRON",   "SHM",        "GPS_PALISADE",
    "GPS_ONCORE",  "GPS_JUPITER", "CHRONOLOG",   "DUMBCLOCK",    "ULINK_M320", "PCF",
    "WWV_AUDIO",   "GPS_FG",      "HOPF_S",      "HOPF_P",       "JJY",        "TT_IRIG",
    "GPS_ZYFER",   "GPS_RIPENCC", "NEOCLK4X",    "PCI_TSYNC",    "GPSD_JSON"};

}  // namespace

bool is_refclock_address(const ntp::io::IpAddress& a) {
    return a.is_v4() && a.bytes[0] == 127 && a.bytes[1] == 127;
}

std::string refclock_name(const ntp::io::IpAddress& a) {
    const unsigned type = a.bytes[2];
    const unsigned unit = a.bytes[3];
    if (type < clock_type_names.size())
        return std::string(clock_type_names[type]) + "(" + std::to_string(unit) + ")";
    return "REFCLK(" + std::to_string(type) + "," + std::to_string(unit) + ")";
}

}  // namespace ntp::client
