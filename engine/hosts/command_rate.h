// A per-connection command rate for the mail servers (issue 14: a student's script must not keep
// the bridge busy for the whole class). A token bucket in simulated time: each command a session
// handles takes a token, tokens come back at `per_second` up to `burst`. A connection that has
// spent them all is not read until it has earned one back: its TCP window shuts and the client's
// sends wait (RFC 9293 §3.8.6). A slow-down, not a refusal, as Exim's smtp_ratelimit_* and
// Postfix's smtpd_error_sleep_time slow a client down: a well-behaved client never notices.
// Off unless a rate is set: `maillab run` never throttles; `maillab bridge` sets one for every
// mail server (--command-rate, set_command_rate below).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

#include "engine/core/time.h"

namespace maillab::engine {

class Network;

struct CommandRate {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // commands a client may send at once before the rate applies
  bool limits() const { return per_second > 0; }
  std::string describe() const;  // "50 commands/s (bursts of 500)"
};

class CommandBucket {
 public:
  // `count` commands were handled at `now`. Returns how long the connection must not be read for
  // the bucket to hold a token again (0: it may go on at once).
  Time charge(const CommandRate& rate, std::size_t count, Time now) {
    if (!rate.limits()) return 0;
    if (!started_) {
      started_ = true;
      tokens_ = rate.burst;
      last_ = now;
    }
    tokens_ = std::min(rate.burst, tokens_ + static_cast<double>(now - last_) / 1e6 * rate.per_second);
    last_ = now;
    tokens_ -= static_cast<double>(count);
    if (tokens_ >= 1) return 0;
    return static_cast<Time>((1 - tokens_) / rate.per_second * 1e6) + 1;
  }

 private:
  bool started_ = false;
  double tokens_ = 0;
  Time last_ = 0;
};

// Sets `rate` on every SMTP, POP3 and IMAP server of the network, for connections opened from now.
void set_command_rate(Network& network, const CommandRate& rate);

}  // namespace maillab::engine
