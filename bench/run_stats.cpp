#include "bench/run_stats.h"

#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "bench/allocator.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/file_spool.h"
#include "engine/hosts/mail/submission_client.h"

namespace maillab::bench {
namespace {

// A "Name:   123 kB" field of a /proc/self file (status, smaps_rollup); 0 when absent.
std::uint64_t proc_field_kb(const char* file, const char* field) {
  std::ifstream status(file);
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line))
    if (line.compare(0, prefix.size(), prefix) == 0) return std::stoull(line.substr(prefix.size()));
  return 0;
}

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

}  // namespace

std::uint64_t current_rss_kb() { return proc_field_kb("/proc/self/status", "VmRSS"); }
std::uint64_t peak_rss_kb() { return proc_field_kb("/proc/self/status", "VmHWM"); }
std::uint64_t huge_pages_kb() { return proc_field_kb("/proc/self/smaps_rollup", "AnonHugePages"); }

RunMeter::RunMeter() : start_(Clock::now()), loaded_(start_), finished_(start_) {}

void RunMeter::loaded() {
  loaded_ = Clock::now();
  rss_after_load_kb_ = current_rss_kb();
}

void RunMeter::finished() { finished_ = Clock::now(); }

std::vector<std::string> RunMeter::conservation_problems(scenarios::World& world) {
  std::vector<std::string> problems;
  for (const auto& audit : world.audits)
    for (auto& problem : audit()) problems.push_back(std::move(problem));
  return problems;
}

void print_mailbox_figures(std::ostream& out, const engine::FileSpool* spool) {
  out << "mailboxes=" << (spool ? "spool" : "memory") << "\n";
  if (spool)
    out << "spool_messages=" << spool->messages_stored() << "\nspool_mb="
        << fixed(static_cast<double>(spool->bytes_stored()) / (1024.0 * 1024.0), 1) << "\n";
}

engine::SubmissionCounts submission_counts(scenarios::World& world) {
  engine::SubmissionCounts total;
  for (engine::Host* host : world.network.hosts()) {
    const auto* client = host->find_service<engine::SubmissionClient>();
    if (!client) continue;
    total.submitted += client->counts().submitted;
    total.accepted += client->counts().accepted;
    total.refused += client->counts().refused;
    total.unreachable += client->counts().unreachable;
  }
  return total;
}

std::size_t RunMeter::print(std::ostream& out, scenarios::World& world, std::vector<std::string> more) const {
  const double load_s = seconds_between(start_, loaded_);
  const double run_s = seconds_between(loaded_, finished_);
  const double cpu_s = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  const engine::LedgerCounts counts = world.ledger.counts();
  const engine::SubmissionCounts submitted = submission_counts(world);
  const std::uint64_t events = world.simulator.executed();
  const std::uint64_t peak_kb = peak_rss_kb();
  const std::uint64_t growth_kb = peak_kb > rss_after_load_kb_ ? peak_kb - rss_after_load_kb_ : 0;
  const double per_second = run_s > 0 ? 1.0 / run_s : 0.0;
  out << "load_s=" << fixed(load_s, 3) << "\n"
      << "run_s=" << fixed(run_s, 3) << "\n"
      << "cpu_s=" << fixed(cpu_s, 3) << "\n"
      << "events=" << events << "\n"
      << "events_per_s=" << fixed(static_cast<double>(events) * per_second, 0) << "\n"
      << "submitted=" << submitted.submitted << "\n"
      << "submissions_running=" << submitted.running() << "\n"
      << "messages_accepted=" << counts.accepted << "\n"
      << "messages_delivered=" << counts.delivered << "\n"
      << "messages_bounced=" << counts.bounced << "\n"
      << "messages_rejected=" << counts.rejected << "\n"
      << "messages_queued=" << counts.queued << "\n"
      << "messages_per_s=" << fixed(static_cast<double>(counts.delivered) * per_second, 0) << "\n"
      << "records=" << world.simulator.trace().count() << "\n"
      << "peak_rss_mb=" << fixed(static_cast<double>(peak_kb) / 1024.0, 1) << "\n"
      << "bytes_per_message="
      << (counts.accepted ? growth_kb * 1024 / counts.accepted : 0) << "\n"
      << "huge_pages_mb=" << fixed(static_cast<double>(huge_pages_kb()) / 1024.0, 1) << "\n"
      << "allocator=" << allocator_name() << "\n";
  auto problems = conservation_problems(world);
  problems.insert(problems.end(), more.begin(), more.end());
  out << "unaccounted=" << problems.size() << "\n";
  for (const auto& problem : problems) out << "unaccounted: " << problem << "\n";
  return problems.size();
}

}  // namespace maillab::bench
