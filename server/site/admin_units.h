// The administrative unit an address belongs to today. Vietnam's 2025
// reform abolished districts, merged provinces (Bắc Kạn into Thái Nguyên
// from 1 July 2025, Resolution 202/2025/QH15) and communes (Resolution
// 1683/NQ-UBTVQH15). Addresses are kept exactly as printed; the scan page
// adds "now part of …" from this table. It holds the successions of the
// first deployment's area (the former Bắc Kạn, domain.md §3); an address
// elsewhere is left alone.
//
// Thread-safety: pure functions.

#ifndef OCOPTRACE_SERVER_SITE_ADMIN_UNITS_H_
#define OCOPTRACE_SERVER_SITE_ADMIN_UNITS_H_

#include <string>

#include "ocoptrace/v1/common.pb.h"

namespace ocoptrace::site {

// The commune or ward and province the address is in today, e.g.
// "Xã Côn Minh, tỉnh Thái Nguyên", from the address's current_units when
// the server filled them, else from its units at the time (or, without
// those, the "xã …"/"phường …" name in its text) through the succession
// table — whenever the address names the former province (code 06 or
// "Bắc Kạn"): such an address is pre-reform even if it was entered later,
// copied from an old certificate or label. "" when the address is not in
// a reorganised unit or cannot be placed.
std::string CurrentAdminUnit(const v1::Address& address);

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_ADMIN_UNITS_H_
