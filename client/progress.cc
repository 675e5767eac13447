#include "client/progress.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace ocoptrace::client {

ProgressStyle ChooseProgressStyle(bool forced, bool is_terminal, uint64_t items,
                                  uint64_t threshold) {
  if (forced) return ProgressStyle::kBar;
  if (items < threshold) return ProgressStyle::kNone;
  return is_terminal ? ProgressStyle::kBar : ProgressStyle::kPlain;
}

bool IsTerminalStderr(const std::ostream& stream) {
  return stream.rdbuf() == std::cerr.rdbuf() && ::isatty(STDERR_FILENO) == 1;
}

int ProgressPercent(uint64_t done, uint64_t total) {
  if (total == 0 || done >= total) return 100;
  // Exact for any total: done * 100 does not fit 64 bits near UINT64_MAX.
  return static_cast<int>(static_cast<unsigned __int128>(done) * 100 / total);
}

std::string RenderProgressBar(std::string_view phase, uint64_t done,
                              uint64_t total, std::string_view unit,
                              int width) {
  if (total > 0) done = std::min(done, total);
  const int percent = ProgressPercent(done, total);
  width = std::max(width, 1);
  const int filled =
      total == 0 ? width
                 : static_cast<int>(static_cast<double>(done) * width / total);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  std::string percent_text = absl::StrCat(percent, "%");
  percent_text.insert(0, 4 - std::min<size_t>(4, percent_text.size()), ' ');
  std::string phase_text(phase);
  if (phase_text.size() < 10) phase_text.resize(10, ' ');
  return absl::StrCat(phase_text, " [", bar, "] ", percent_text, "  ", done,
                      "/", total, " ", std::string(unit));
}

ProgressMeter::ProgressMeter(std::ostream& out, ProgressStyle style)
    : out_(out), style_(style) {}

ProgressMeter::~ProgressMeter() { Finish(); }

void ProgressMeter::Start(std::string_view phase, uint64_t total,
                          std::string_view unit) {
  Finish();
  active_ = true;
  phase_ = std::string(phase);
  unit_ = std::string(unit);
  total_ = total;
  done_ = 0;
  bar_drawn_ = false;
  last_step_ = -1;
  Draw(0);
}

void ProgressMeter::Update(uint64_t done) {
  if (!active_) return;
  done_ = std::min(done, total_);
  Draw(done_);
}

void ProgressMeter::Draw(uint64_t done) {
  const int percent = ProgressPercent(done, total_);
  switch (style_) {
    case ProgressStyle::kNone:
      return;
    case ProgressStyle::kPlain: {
      const int step = percent / 10;
      if (step == last_step_) return;
      last_step_ = step;
      out_ << "tracectl: " << phase_ << ": " << step * 10 << "% (" << done
           << "/" << total_ << " " << unit_ << ")\n";
      out_.flush();
      return;
    }
    case ProgressStyle::kBar: {
      // Redraw when the percentage moved or the phase completed (at most
      // ~100 times per phase), not for every item.
      if (bar_drawn_ && (done == last_done_ ||
                         (percent == last_percent_ && done != total_))) {
        return;
      }
      out_ << '\r' << RenderProgressBar(phase_, done, total_, unit_);
      out_.flush();
      bar_drawn_ = true;
      last_percent_ = percent;
      last_done_ = done;
      return;
    }
  }
}

void ProgressMeter::Finish() {
  if (!active_) return;
  Draw(done_);
  if (style_ == ProgressStyle::kBar) out_ << '\n';
  out_.flush();
  active_ = false;
}

void ProgressMeter::Note(std::string_view message) {
  if (style_ == ProgressStyle::kNone) return;
  if (active_ && style_ == ProgressStyle::kBar) {
    out_ << '\n';
    bar_drawn_ = false;  // Draw the bar again on the next update.
  }
  out_ << "tracectl: " << message << "\n";
  out_.flush();
}

}  // namespace ocoptrace::client
