// `maillab bench mail`: a generated world (scenarios' `generate:` section) of D domains with U
// users each, M messages between random users, run to the end through the full protocol code
// (DNS from the root down, SMTP submission with AUTH, relay, delivery into mailboxes), with no
// trace kept. Prints the run's figures (bench/run_stats.h) and fails when a message is
// unaccounted for. Benchmarks print figures; nothing here is a timed test.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace maillab::bench {

struct MailBenchmarkOptions {
  std::uint64_t domains = 20;
  std::uint64_t users = 10;
  std::uint64_t messages = 500;
  double rate = 1000;  // submissions per simulated second (a Poisson process)
  double loss = 0;     // on every domain's uplink
  // TLS on every hop: submission on 465 (implicit TLS) instead of 587, STARTTLS between MTAs.
  // Without it the MTAs neither offer nor use STARTTLS: the plain protocol cost.
  bool tls = false;
  // "rsa" (2048-bit) or "ed25519": every domain signs its mail and every MX verifies it. The run
  // is then made twice, without DKIM and with it, to print what DKIM cost per message against
  // OpenSSL's own sign + verify floor for the same key.
  std::string dkim;
  // Keep every trace record in memory, as the visualizer and lessons do (the default keeps none,
  // as `maillab run` does): prints what the kept records hold (kept_records=, kept_payload_bytes=).
  bool keep_trace = false;
  std::uint64_t seed = 1;
  // Delivered mail goes to a spool file on disk (engine/hosts/mailbox/file_spool.h), as a real
  // MDA keeps it, unless this is set (--mailboxes-in-memory): a million messages' bodies would
  // otherwise be most of the run's memory.
  bool mailboxes_in_memory = false;
};

// The scenario text bench mail runs (a few lines; the world itself is generated, not written).
std::string mail_benchmark_scenario(const MailBenchmarkOptions& options);

// 0: every message accounted for; 1: a conservation problem (printed); 2: the world did not load.
int run_mail_benchmark(const MailBenchmarkOptions& options, std::ostream& out, std::ostream& errors);

}  // namespace maillab::bench
