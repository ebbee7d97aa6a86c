// Figures of one run of a World, as `maillab run --stats` and `maillab bench mail` print them:
// one `name=value` line each, so scripts can grep them (bench/README.md says what each means).
//
//   load_s, run_s, cpu_s      wall seconds to load and to run; CPU seconds of the whole process
//   events, events_per_s      simulator events executed, and per wall second of the run
//   messages_per_s            recipient copies delivered per wall second of the run
//   records                   trace records made
//   peak_rss_mb               the process's peak resident memory
//   bytes_per_message         memory growth of the run (peak RSS minus RSS after loading) per
//                             accepted message copy: what each message costs while it lives
//   huge_pages_mb             of the resident memory at the end, what 2 MiB pages back
//   allocator                 what serves malloc: mimalloc (the default build) or glibc
//   submitted, submissions_running   scripted submissions, and those still talking to their server
//   messages_accepted ... _queued     the mail ledger's counts (per recipient copy)
//   mailboxes                 spool (delivered mail in a file on disk) or memory; with a spool,
//   spool_messages, spool_mb  the messages it holds and their bytes on disk
//   unaccounted               messages whose fate is unknown (conservation, DESIGN.md); non-zero
//                             makes the command fail
//
// Benchmarks print figures; nothing here is a timed test (DESIGN.md, Conventions).
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "engine/hosts/mail/submission_client.h"
#include "scenarios/world.h"

namespace maillab::engine {
class FileSpool;
}

namespace maillab::bench {

class RunMeter {
 public:
  RunMeter();                 // the load clock starts
  void loaded();              // the load clock stops, the run clock starts
  void finished();            // the run clock stops

  // Every message accepted ends delivered, bounced or queued, and each queued copy is in a queue
  // (the World's audits). Each problem is one line for people; empty when all is accounted for.
  static std::vector<std::string> conservation_problems(scenarios::World& world);

  // Prints the figures of `world`, then one line per conservation problem ("unaccounted: ..."),
  // its own and `more` (a caller's checks). Returns the number of problems.
  std::size_t print(std::ostream& out, scenarios::World& world, std::vector<std::string> more = {}) const;

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_, loaded_, finished_;
  std::uint64_t rss_after_load_kb_ = 0;
};

// "mailboxes=spool|memory" and, with a spool (null: none), what it holds.
void print_mailbox_figures(std::ostream& out, const engine::FileSpool* spool);

// Totals over every scripted submission client of the world (`send:` and generated traffic).
engine::SubmissionCounts submission_counts(scenarios::World& world);

// The process's resident memory now, and its peak so far, in KiB (from /proc/self/status).
std::uint64_t current_rss_kb();
std::uint64_t peak_rss_kb();
// Of the resident memory now, what transparent huge pages back (AnonHugePages in
// /proc/self/smaps_rollup): build/maillab asks for them (app/large_pages.cpp), the kernel decides.
std::uint64_t huge_pages_kb();

}  // namespace maillab::bench
