#include "server/http/i18n.h"

#include <array>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/http/negotiation.h"

namespace ocoptrace::http {
namespace {

struct Translation {
  Msg id;
  std::string_view vi;
  std::string_view en;
};

// One row per Msg, in enum order (checked at compile time below).
constexpr std::array<Translation, static_cast<size_t>(Msg::kCount)> kTable = {{
    {Msg::kSiteName, "Truy xuất nguồn gốc OCOP", "OCOP traceability"},
    {Msg::kSwitchLanguage, "English", "Tiếng Việt"},
    {Msg::kFooterLog,
     "Mọi thông tin trên trang này được ghi vào sổ cái công khai, có chữ ký "
     "số, ai cũng kiểm tra được.",
     "Everything on this page is recorded in a public, signed log that "
     "anyone can audit."},
    {Msg::kVerdictGenuine, "Tem chính hãng", "Genuine label"},
    {Msg::kVerdictGenuineText,
     "Chữ ký số hợp lệ, tem do nhà sản xuất phát hành và chưa bị hủy.",
     "The digital signature is valid; the producer issued this label and it "
     "has not been voided."},
    {Msg::kVerdictSuspicious, "Cần kiểm tra", "Check this label"},
    {Msg::kVerdictSuspiciousText,
     "Chữ ký số hợp lệ, nhưng có dấu hiệu tem bị sao chép:",
     "The signature is valid, but there are signs that the label was "
     "copied:"},
    {Msg::kVerdictNotGenuine, "Không xác thực được", "Not genuine"},
    {Msg::kVerdictNotGenuineText,
     "Không nên tin tem này. Hãy hỏi người bán hoặc báo cho cơ quan quản lý:",
     "Do not trust this label. Ask the seller or report it to the "
     "inspectors:"},
    {Msg::kProductPageBanner, "Thông tin sản phẩm", "Product information"},
    {Msg::kProductPageText,
     "Đây là trang giới thiệu sản phẩm, không phải kết quả kiểm tra một tem. "
     "Hãy quét mã QR trên tem để kiểm tra tem.",
     "This is the product's page, not a label check. Scan the QR code on a "
     "label to check that label."},
    {Msg::kBatchPageBanner, "Thông tin lô hàng", "Batch information"},
    {Msg::kBatchPageText,
     "Đây là trang của lô hàng, không phải kết quả kiểm tra một tem.",
     "This is the batch's page, not a label check."},
    {Msg::kReasonMissingSignature, "Đường dẫn không có chữ ký số (tham số s).",
     "The link carries no digital signature (parameter s)."},
    {Msg::kReasonBadSignature,
     "Chữ ký số không khớp: tem có thể bị làm giả hoặc sửa đổi.",
     "The digital signature does not match: the label may be forged or "
     "altered."},
    {Msg::kReasonUnknownSerial,
     "Số sê-ri này không có trong hệ thống: có thể là tem giả.",
     "This serial number is not in the system: the label may be fake."},
    {Msg::kReasonUnknownLot,
     "Số lô này không có trong hệ thống: có thể là tem giả.",
     "This lot number is not in the system: the label may be fake."},
    {Msg::kReasonVoided, "Tem đã bị nhà sản xuất hủy.",
     "The producer has voided this label."},
    {Msg::kReasonManyScans, "Tem đã được quét rất nhiều lần.",
     "The label has been scanned very many times."},
    {Msg::kReasonManyPlaces, "Tem được quét ở nhiều nơi cách xa nhau.",
     "The label has been scanned in many different places."},
    {Msg::kReasonPinUsed, "Mã PIN dưới lớp cào đã được kiểm tra trước đây.",
     "The scratch-off PIN was already checked before."},
    {Msg::kProduct, "Sản phẩm", "Product"},
    {Msg::kGtin, "Mã sản phẩm (GTIN)", "Product code (GTIN)"},
    {Msg::kGroup, "Nhóm sản phẩm", "Product group"},
    {Msg::kStandard, "Tiêu chuẩn áp dụng", "Standard applied"},
    {Msg::kBrand, "Nhãn hiệu", "Brand"},
    {Msg::kProducer, "Chủ thể sản xuất", "Producer"},
    {Msg::kLegalForm, "Loại hình", "Legal form"},
    {Msg::kOrigin, "Địa chỉ (như in trên nhãn)", "Address (as printed)"},
    {Msg::kNowPartOf, "nay là", "now"},
    {Msg::kOcop, "Chứng nhận OCOP", "OCOP certification"},
    {Msg::kStars, "sao", "stars"},
    {Msg::kCertificateNumber, "Giấy chứng nhận số", "Certificate no."},
    {Msg::kValidUntil, "còn hiệu lực đến", "valid until"},
    {Msg::kExpiredOn, "hết hạn ngày", "expired on"},
    {Msg::kRevokedOn, "bị thu hồi ngày", "revoked on"},
    {Msg::kDecision, "quyết định", "decision"},
    {Msg::kValidFrom, "có hiệu lực từ", "valid from"},
    {Msg::kNoActiveCertificate,
     "Hôm nay sản phẩm không có chứng nhận OCOP còn hiệu lực, nên không "
     "được dùng sao OCOP.",
     "No OCOP certificate covering this product is valid today, so it may "
     "not display OCOP stars."},
    {Msg::kNoCertificate, "Chưa có chứng nhận OCOP.",
     "No OCOP certificate on record."},
    {Msg::kBatch, "Lô hàng", "Batch"},
    {Msg::kLot, "Số lô", "Lot"},
    {Msg::kSerial, "Số sê-ri", "Serial"},
    {Msg::kProductionDate, "Ngày sản xuất", "Production date"},
    {Msg::kExpiryDate, "Hạn sử dụng", "Use by"},
    {Msg::kJourney, "Hành trình của lô hàng", "The batch's journey"},
    {Msg::kVerified, "đã xác minh", "verified"},
    {Msg::kNotVerified, "chưa xác minh", "not verified"},
    {Msg::kRawEntries, "Bản ghi gốc và bằng chứng", "Raw entries and proofs"},
    {Msg::kNoJourney, "Chưa có sự kiện nào được ghi.",
     "No events recorded yet."},
    {Msg::kScans, "Lượt quét", "Scans"},
    {Msg::kScanCount, "Số lần quét", "Times scanned"},
    {Msg::kFirstScan, "Lần quét đầu tiên", "First scanned"},
    {Msg::kFirstScanNow, "Đây là lần quét đầu tiên.",
     "This is the first scan."},
    {Msg::kPinTitle, "Kiểm tra mã PIN", "Check the PIN"},
    {Msg::kPinHelp, "Cào lớp bạc trên tem rồi nhập dãy số.",
     "Scratch the silver layer on the label and type the number."},
    {Msg::kPinLabel, "Mã PIN", "PIN"},
    {Msg::kPinSubmit, "Kiểm tra", "Check"},
    {Msg::kPinFirstCheck,
     "Mã PIN đúng, đây là lần kiểm tra đầu tiên: sản phẩm chính hãng.",
     "Correct PIN, and this is the first check: the product is genuine."},
    {Msg::kPinAlreadyChecked, "Mã này đã được kiểm tra vào lúc",
     "This code was already checked on"},
    {Msg::kPinAlreadyCheckedText,
     "Nếu bạn vừa tự cào lớp bạc, sản phẩm có thể là hàng giả.",
     "If you have just scratched the layer yourself, the product may be "
     "counterfeit."},
    {Msg::kPinWrong, "Mã PIN không đúng.", "Wrong PIN."},
    {Msg::kPinNotUsed, "Lô hàng này không dùng mã PIN.",
     "This batch has no PINs."},
    {Msg::kPinLocked,
     "Đã có quá nhiều lần nhập sai mã PIN của tem này; mã không còn được "
     "kiểm tra. Nếu không phải bạn đã nhập, hãy báo cáo tem đáng ngờ.",
     "Too many wrong PINs were tried for this label; its PIN is no longer "
     "checked. If it was not you, please report the label."},
    {Msg::kReportTitle, "Báo cáo tem đáng ngờ", "Report a suspect label"},
    {Msg::kReportHelp,
     "Thông tin được gửi đến cán bộ kiểm tra. Không ghi thông tin cá nhân.",
     "Sent to the inspectors. Please do not include personal data."},
    {Msg::kReportPlace, "Nơi mua (xã, tỉnh)", "Where (commune, province)"},
    {Msg::kReportShop, "Cửa hàng", "Shop"},
    {Msg::kReportNote, "Ghi chú", "Note"},
    {Msg::kReportSubmit, "Gửi báo cáo", "Send report"},
    {Msg::kReportThanks, "Cảm ơn bạn. Báo cáo đã được gửi đến cơ quan quản lý.",
     "Thank you. Your report was sent to the inspectors."},
    {Msg::kBackToLabel, "Quay lại trang tem", "Back to the label page"},
    {Msg::kTechnicalDetail, "Chi tiết kỹ thuật", "Technical detail"},
    {Msg::kBadLinkTitle, "Mã không hợp lệ", "Invalid code"},
    {Msg::kBadLinkText,
     "Đường dẫn này không phải là mã GS1 Digital Link hợp lệ nên không tra "
     "cứu được. Nếu mã này in trên sản phẩm, sản phẩm có thể không chính "
     "hãng.",
     "This link is not a valid GS1 Digital Link, so nothing can be looked "
     "up. If it is printed on a product, the product may not be genuine."},
    {Msg::kNotFoundTitle, "Không tìm thấy", "Not found"},
    {Msg::kNotFoundText, "Trang bạn tìm không tồn tại.",
     "The page you asked for does not exist."},
    {Msg::kUnknownProductTitle, "Sản phẩm chưa đăng ký", "Unknown product"},
    {Msg::kUnknownProductText,
     "Mã sản phẩm này không có trong hệ thống truy xuất OCOP, nên hệ thống "
     "không xác nhận được hàng mang mã này.",
     "This product code is not registered in the OCOP traceability system, "
     "so goods carrying it are not vouched for."},
    {Msg::kNoSuchLinkTitle, "Không có liên kết loại này",
     "No link of this type"},
    {Msg::kNoSuchLinkText,
     "Sản phẩm này không có liên kết thuộc loại được yêu cầu (linkType).",
     "This item has no link of the requested type (linkType)."},
    {Msg::kMethodNotAllowedTitle, "Phương thức không được hỗ trợ",
     "Method not allowed"},
    {Msg::kMethodNotAllowedText,
     "Địa chỉ này không hỗ trợ phương thức HTTP đã dùng.",
     "This address does not support the HTTP method used."},
    {Msg::kBadRequestTitle, "Yêu cầu không hợp lệ", "Bad request"},
    {Msg::kBadRequestText, "Không hiểu được yêu cầu này.",
     "This request could not be understood."},
    {Msg::kUnavailableTitle, "Tạm thời gián đoạn", "Temporarily unavailable"},
    {Msg::kUnavailableText, "Vui lòng thử lại sau ít phút.",
     "Please try again in a few minutes."},
}};

constexpr bool TableInEnumOrder() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<size_t>(kTable[i].id) != i) return false;
  }
  return true;
}
static_assert(TableInEnumOrder(), "kTable rows must follow the Msg order");

struct StepName {
  std::string_view step;
  std::string_view vi;
  std::string_view en;
};

// CBV 2.0 business steps (and the log kinds shown in a batch's history).
constexpr StepName kSteps[] = {
    {"accepting", "Tiếp nhận", "Accepting"},
    {"arriving", "Đến nơi", "Arriving"},
    {"assembling", "Lắp ráp", "Assembling"},
    {"batch.created", "Tạo lô hàng", "Batch created"},
    {"collecting", "Thu gom", "Collecting"},
    {"commissioning", "Thu hoạch, sản xuất", "Harvest, production"},
    {"consigning", "Ký gửi", "Consigning"},
    {"creating_class_instance", "Tạo lô", "Creating lot"},
    {"cycle_counting", "Kiểm kê", "Cycle counting"},
    {"decommissioning", "Ngừng sử dụng", "Decommissioning"},
    {"departing", "Rời đi", "Departing"},
    {"destroying", "Tiêu hủy", "Destroying"},
    {"disassembling", "Tháo rời", "Disassembling"},
    {"dispensing", "Phân phát", "Dispensing"},
    {"encoding", "Mã hóa", "Encoding"},
    {"entering_exiting", "Ra vào", "Entering/exiting"},
    {"holding", "Tạm giữ", "Holding"},
    {"inspecting", "Kiểm tra", "Inspecting"},
    {"installing", "Lắp đặt", "Installing"},
    {"killing", "Giết mổ", "Slaughtering"},
    {"labels.issued", "Phát hành tem", "Labels issued"},
    {"loading", "Bốc xếp lên xe", "Loading"},
    {"other", "Khác", "Other"},
    {"packing", "Đóng gói", "Packing"},
    {"picking", "Lấy hàng", "Picking"},
    {"receiving", "Nhận hàng", "Receiving"},
    {"removing", "Loại bỏ", "Removing"},
    {"repackaging", "Đóng gói lại", "Repackaging"},
    {"repairing", "Sửa chữa", "Repairing"},
    {"replacing", "Thay thế", "Replacing"},
    {"reserving", "Đặt giữ", "Reserving"},
    {"retail_selling", "Bán lẻ", "Retail sale"},
    {"sampling", "Lấy mẫu", "Sampling"},
    {"sensor_reporting", "Ghi cảm biến", "Sensor reading"},
    {"shipping", "Xuất hàng", "Shipping"},
    {"staging_outbound", "Chuẩn bị xuất", "Staging outbound"},
    {"stock_taking", "Kiểm kho", "Stock taking"},
    {"stocking", "Nhập kệ", "Stocking"},
    {"storing", "Lưu kho", "Storing"},
    {"transforming", "Chế biến", "Processing"},
    {"transporting", "Vận chuyển", "Transporting"},
    {"unloading", "Dỡ hàng", "Unloading"},
    {"unpacking", "Mở gói", "Unpacking"},
    {"void_shipping", "Hủy xuất hàng", "Shipping voided"},
};

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};

const absl::TimeZone& VietnamZone() {
  static const absl::TimeZone* zone =
      new absl::TimeZone(absl::FixedTimeZone(7 * 3600));
  return *zone;
}

}  // namespace

std::string_view LangCode(Lang lang) { return lang == Lang::kEn ? "en" : "vi"; }

Lang OtherLang(Lang lang) { return lang == Lang::kEn ? Lang::kVi : Lang::kEn; }

Lang ChooseLanguage(std::string_view lang_param,
                    std::string_view accept_language) {
  if (lang_param == "vi") return Lang::kVi;
  if (lang_param == "en") return Lang::kEn;
  int preferred = PreferredLanguage(accept_language, {"vi", "en"});
  return preferred == 1 ? Lang::kEn : Lang::kVi;
}

std::string_view T(Msg msg, Lang lang) {
  size_t i = static_cast<size_t>(msg);
  if (i >= kTable.size()) return "";
  return lang == Lang::kEn ? kTable[i].en : kTable[i].vi;
}

std::string FormatDay(absl::CivilDay day, Lang lang) {
  if (lang == Lang::kEn) {
    return absl::StrFormat("%d %s %04d", day.day(),
                           std::string(kMonths[day.month() - 1]), day.year());
  }
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

std::string FormatTimeVn(absl::Time time, Lang lang) {
  absl::CivilSecond t = absl::ToCivilSecond(time, VietnamZone());
  std::string day = FormatDay(absl::CivilDay(t), lang);
  std::string clock = absl::StrFormat("%02d:%02d", t.hour(), t.minute());
  if (lang == Lang::kEn) return absl::StrCat(day, ", ", clock);
  return absl::StrCat(clock, " ", day);
}

absl::CivilDay DayInVietnam(absl::Time time) {
  return absl::ToCivilDay(time, VietnamZone());
}

std::string StarsText(int stars) {
  if (stars < 0) stars = 0;
  if (stars > 5) stars = 5;
  std::string out;
  for (int i = 0; i < 5; ++i) out += i < stars ? "★" : "☆";
  return out;
}

std::string StepLabel(std::string_view step, Lang lang) {
  constexpr std::string_view kEventPrefix = "event.";
  if (step.substr(0, kEventPrefix.size()) == kEventPrefix) {
    step.remove_prefix(kEventPrefix.size());
  }
  for (const StepName& name : kSteps) {
    if (name.step == step) {
      return std::string(lang == Lang::kEn ? name.en : name.vi);
    }
  }
  return std::string(step);
}

}  // namespace ocoptrace::http
