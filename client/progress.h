// Progress reports for long client operations (issuing and rendering many
// labels), written to a stream such as stderr.
//
// Two styles:
//   - a bar, redrawn in place with '\r' (for a terminal, or when the user
//     asks for it with --progress):
//       receiving  [##########..........]  50%  50000/100000 labels
//   - plain lines, one per 10 % step (for logs and pipes, where '\r' would
//     leave garbage):
//       tracectl: receiving: 50% (50000/100000 labels)
// A phase ("receiving", "rendering") counts from 0 to its total; starting a
// new phase finishes the previous one. Output is written only when what
// would be shown changes, so calling Update for every item is cheap.
//
// Thread-safety: not thread-safe; one ProgressMeter is used by one thread.

#ifndef OCOPTRACE_CLIENT_PROGRESS_H_
#define OCOPTRACE_CLIENT_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace ocoptrace::client {

enum class ProgressStyle {
  kNone,   // Report nothing.
  kPlain,  // One line per 10 % step.
  kBar,    // A bar redrawn in place.
};

// The style for `items` items: kBar when `forced` (--progress) or when the
// stream is a terminal and `items` reaches `threshold`; kPlain when it is
// not a terminal and `items` reaches `threshold`; kNone otherwise.
ProgressStyle ChooseProgressStyle(bool forced, bool is_terminal, uint64_t items,
                                  uint64_t threshold);

// True when `stream` writes to the process's stderr and stderr is a
// terminal.
bool IsTerminalStderr(const std::ostream& stream);

// The bar line for `done` of `total` `unit` in `phase`, without '\r' or a
// newline, e.g. "receiving  [#####...............]  25%  25/100 labels".
// The bar is `width` characters; `done` is clamped to `total`; a total of 0
// shows as complete.
std::string RenderProgressBar(std::string_view phase, uint64_t done,
                              uint64_t total, std::string_view unit,
                              int width = 20);

// The whole percentage (0..100, rounded down) of `done` in `total`; 100
// when total is 0.
int ProgressPercent(uint64_t done, uint64_t total);

class ProgressMeter {
 public:
  // Writes to `out` (not owned; must outlive the meter) in `style`.
  ProgressMeter(std::ostream& out, ProgressStyle style);
  ~ProgressMeter();  // Finishes the current phase.
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  ProgressStyle style() const { return style_; }

  // Starts a phase of `total` `unit` (e.g. "labels", "pages"), finishing
  // the previous one, and shows it at 0.
  void Start(std::string_view phase, uint64_t total, std::string_view unit);
  // Shows `done` of the current phase (ignored without a phase).
  void Update(uint64_t done);
  // Ends the current phase: shows it complete at what was reached and ends
  // the line. Nothing happens without a phase.
  void Finish();
  // Writes a message line (e.g. "issuing 100000 labels on the server..."),
  // after ending a bar's line; nothing in style kNone.
  void Note(std::string_view message);

 private:
  void Draw(uint64_t done);

  std::ostream& out_;
  ProgressStyle style_;
  bool active_ = false;
  std::string phase_;
  std::string unit_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  // kBar: whether the current phase's bar is on screen, and what it shows.
  bool bar_drawn_ = false;
  int last_percent_ = -1;
  uint64_t last_done_ = 0;
  int last_step_ = -1;  // kPlain: the last 10 % step printed.
};

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_PROGRESS_H_
