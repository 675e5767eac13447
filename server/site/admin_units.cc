#include "server/site/admin_units.h"

#include <string_view>
#include <vector>

namespace ocoptrace::site {
namespace {

constexpr std::string_view kNewProvince = "tỉnh Thái Nguyên";

// Former communes and wards of Bắc Kạn and the unit each is part of since
// 2025-07-01 (domain.md §3; both spellings of "oa"/"óa" where they occur).
struct Succession {
  std::string_view old_name;
  std::string_view new_unit;
};
constexpr Succession kSuccessions[] = {
    {"Nông Thượng", "Phường Bắc Kạn"},
    {"Xuất Hóa", "Phường Bắc Kạn"},
    {"Xuất Hoá", "Phường Bắc Kạn"},
    {"Phùng Chí Kiên", "Phường Bắc Kạn"},
    {"Sông Cầu", "Phường Bắc Kạn"},
    {"Đức Xuân", "Phường Đức Xuân"},
    {"Nguyễn Thị Minh Khai", "Phường Đức Xuân"},
    {"Huyền Tụng", "Phường Đức Xuân"},
    {"Côn Minh", "Xã Côn Minh"},
    {"Dương Sơn", "Xã Côn Minh"},
    {"Quang Phong", "Xã Côn Minh"},
    {"Văn Lang", "Xã Văn Lang"},
    {"Kim Hỷ", "Xã Văn Lang"},
    {"Lương Thượng", "Xã Văn Lang"},
    {"Bằng Phúc", "Xã Đồng Phúc"},
    {"Đồng Phúc", "Xã Đồng Phúc"},
    {"Hoàng Trĩ", "Xã Đồng Phúc"},
    {"Quảng Khê", "Xã Đồng Phúc"},
    {"Yến Dương", "Xã Thượng Minh"},
    {"Mỹ Phương", "Xã Thượng Minh"},
    {"Chu Hương", "Xã Thượng Minh"},
    {"Nam Mẫu", "Xã Ba Bể"},
    {"Khang Ninh", "Xã Ba Bể"},
    {"Cao Thượng", "Xã Ba Bể"},
    {"Quang Thuận", "Xã Bạch Thông"},
    {"Dương Phong", "Xã Bạch Thông"},
    {"Đồng Thắng", "Xã Bạch Thông"},
    {"Tân Sơn", "Xã Tân Kỳ"},
    {"Cao Kỳ", "Xã Tân Kỳ"},
    {"Hòa Mục", "Xã Tân Kỳ"},
    {"Hoà Mục", "Xã Tân Kỳ"},
    {"Thượng Quan", "Xã Thượng Quan"},
    {"Bằng Thành", "Xã Bằng Thành"},
    {"Bộc Bố", "Xã Bằng Thành"},
    {"Giáo Hiệu", "Xã Bằng Thành"},
    {"Nhạn Môn", "Xã Bằng Thành"},
};

// Prefixes naming a commune-level unit, as written in addresses.
constexpr std::string_view kCommunePrefixes[] = {
    "Xã ", "xã ", "Phường ", "phường ", "Thị trấn ", "thị trấn "};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == ',')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == ',')) {
    text.remove_suffix(1);
  }
  return text;
}

// "Côn Minh" from "Xã Côn Minh" (or the name itself).
std::string_view BareCommuneName(std::string_view name) {
  for (std::string_view prefix : kCommunePrefixes) {
    if (name.substr(0, prefix.size()) == prefix) {
      return Trim(name.substr(prefix.size()));
    }
  }
  return Trim(name);
}

// The commune named in free address text: what follows "xã "/"phường "/
// "thị trấn " up to the next comma.
std::string_view CommuneInText(std::string_view text) {
  for (std::string_view prefix : kCommunePrefixes) {
    size_t at = text.find(prefix);
    // Only at the start of a part of the address.
    while (at != std::string_view::npos && at != 0 && text[at - 1] != ' ' &&
           text[at - 1] != ',') {
      at = text.find(prefix, at + 1);
    }
    if (at == std::string_view::npos) continue;
    std::string_view rest = text.substr(at + prefix.size());
    return Trim(rest.substr(0, rest.find(',')));
  }
  return {};
}

bool InFormerBacKan(const v1::Address& address) {
  for (const v1::AdminUnit& unit : address.units_at_time()) {
    if (unit.level() == "province") {
      return unit.code() == "06" ||
             unit.name().find("Bắc Kạn") != std::string::npos;
    }
  }
  return address.text_as_recorded().find("Bắc Kạn") != std::string::npos;
}

}  // namespace

std::string CurrentAdminUnit(const v1::Address& address) {
  if (!address.current_units().empty()) {
    std::string joined;
    for (const v1::AdminUnit& unit : address.current_units()) {
      if (unit.name().empty()) continue;
      if (!joined.empty()) joined += ", ";
      joined += unit.name();
    }
    return joined;
  }
  // The former province names its address as pre-reform whenever it was
  // entered (an old certificate's address may be registered today).
  if (!InFormerBacKan(address)) return "";
  std::string_view commune;
  for (const v1::AdminUnit& unit : address.units_at_time()) {
    if (unit.level() == "commune" || unit.level() == "ward") {
      commune = BareCommuneName(unit.name());
      break;
    }
  }
  if (commune.empty()) commune = CommuneInText(address.text_as_recorded());
  for (const Succession& succession : kSuccessions) {
    if (succession.old_name == commune) {
      return std::string(succession.new_unit) + ", " +
             std::string(kNewProvince);
    }
  }
  return std::string(kNewProvince);
}

}  // namespace ocoptrace::site
