#include "server/http/negotiation.h"

#include <cctype>

namespace ocoptrace::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]. Returns
// thousandths, or 0 when malformed.
int ParseQValue(std::string_view v) {
  if (v.empty() || v.size() > 5) return 0;
  if (v[0] != '0' && v[0] != '1') return 0;
  int whole = v[0] - '0';
  int frac = 0;
  if (v.size() > 1) {
    if (v[1] != '.') return 0;
    int scale = 100;
    for (size_t i = 2; i < v.size(); ++i) {
      if (v[i] < '0' || v[i] > '9') return 0;
      frac += (v[i] - '0') * scale;
      scale /= 10;
    }
  }
  int q = whole * 1000 + frac;
  return q > 1000 ? 0 : q;
}

}  // namespace

std::vector<WeightedToken> ParseWeightedList(std::string_view header) {
  std::vector<WeightedToken> out;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view()
                                             : header.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view token = Trim(element.substr(0, semi));
    if (token.empty()) continue;
    WeightedToken item{Lower(token), 1000};
    while (semi != std::string_view::npos) {
      element.remove_prefix(semi + 1);
      semi = element.find(';');
      std::string_view param = Trim(element.substr(0, semi));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') &&
          param[1] == '=') {
        item.q = ParseQValue(Trim(param.substr(2)));
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

int PreferredMediaType(std::string_view accept,
                       const std::vector<std::string_view>& offers) {
  if (offers.empty()) return -1;
  if (Trim(accept).empty()) return 0;
  const std::vector<WeightedToken> accepted = ParseWeightedList(accept);
  int best = -1;
  int best_q = 0;
  for (size_t i = 0; i < offers.size(); ++i) {
    std::string_view offer = offers[i];
    std::string_view type = offer.substr(0, offer.find('/'));
    // The q of the most specific range that matches this offer.
    int specificity = -1;
    int q = 0;
    for (const WeightedToken& range : accepted) {
      int s = -1;
      if (range.token == offer) {
        s = 2;
      } else if (range.token.size() == type.size() + 2 &&
                 range.token.compare(0, type.size(), type) == 0 &&
                 range.token.compare(type.size(), 2, "/*") == 0) {
        s = 1;
      } else if (range.token == "*/*") {
        s = 0;
      }
      if (s > specificity) {
        specificity = s;
        q = range.q;
      }
    }
    if (q > best_q) {
      best_q = q;
      best = static_cast<int>(i);
    }
  }
  return best;
}

int PreferredLanguage(std::string_view accept_language,
                      const std::vector<std::string_view>& offers) {
  const std::vector<WeightedToken> ranges = ParseWeightedList(accept_language);
  int best = -1;
  int best_q = 0;
  for (size_t i = 0; i < offers.size(); ++i) {
    int specificity = -1;
    int q = 0;
    for (const WeightedToken& range : ranges) {
      std::string_view primary =
          std::string_view(range.token).substr(0, range.token.find('-'));
      int s = -1;
      if (primary == offers[i]) {
        s = range.token.size() == primary.size() ? 2 : 1;
      } else if (range.token == "*") {
        s = 0;
      }
      if (s > specificity) {
        specificity = s;
        q = range.q;
      }
    }
    if (q > best_q) {
      best_q = q;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace ocoptrace::http
