// Waiting for SIGINT / SIGTERM without signal handlers: the signals are
// blocked in every thread and one thread picks them up with sigwait, so
// shutdown runs as ordinary code (no async-signal-safety concerns).
//
// Thread-safety: call BlockTerminationSignals once, in main, before any
// thread starts (threads inherit the mask); then any one thread may call
// WaitForTerminationSignal.

#ifndef OCOPTRACE_SERVER_APP_SIGNALS_H_
#define OCOPTRACE_SERVER_APP_SIGNALS_H_

namespace ocoptrace::app {

// Blocks SIGINT and SIGTERM in the calling thread and in the threads it
// starts later.
void BlockTerminationSignals();

// Waits for SIGINT or SIGTERM (blocked by BlockTerminationSignals) and
// returns its number.
int WaitForTerminationSignal();

}  // namespace ocoptrace::app

#endif  // OCOPTRACE_SERVER_APP_SIGNALS_H_
