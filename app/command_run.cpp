// maillab run SCENARIO.yaml [--until T] [--trace text|jsonl|none] [--out FILE] [--pcap FILE]
//                           [--keylog FILE] [--seed N] [--verbose] [--stats]
//                           [--spool-dir DIR | --mailboxes-in-memory]
#include <fstream>
#include <iostream>
#include <memory>

#include "app/arguments.h"
#include "app/commands.h"
#include "app/trace_output.h"
#include "bench/run_stats.h"
#include "engine/net/packet.h"
#include "engine/core/trace_writers.h"
#include "engine/hosts/mailbox/file_spool.h"
#include "scenarios/bounded_run.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"
#include "scenarios/values.h"

namespace maillab::app {
namespace {

constexpr const char* help_text =
    "Usage: maillab run SCENARIO.yaml [options]\n"
    "Runs a scenario headless: prints its trace, then each expectation as PASS/FAIL, then\n"
    "  messages: accepted N, delivered D, bounced B, rejected R, queued Q\n\n"
    "Options:\n"
    "  --until T        run length (90, 90s, 2m, 500ms ...); default: the scenario's until:\n"
    "  --trace FORMAT   text (default, for people), jsonl (every record, one JSON object a line), none\n"
    "  --out FILE       write the trace to FILE instead of standard output\n"
    "  --pcap FILE      also write every packet to FILE (libpcap, raw IPv4; open with tshark or Wireshark)\n"
    "  --keylog FILE    also write every TLS connection's secrets to FILE (NSS key log; tshark -o\n"
    "                   tls.keylog_file:FILE decrypts the --pcap file with it)\n"
    "  --seed N         seed for the run's randomness (default: the scenario's seed:, else 1)\n"
    "  --verbose        text trace: also show pure TCP ACK hops (hidden by default)\n"
    "  --stats          after the summary, print the run's figures as name=value lines (load_s,\n"
    "                   run_s, cpu_s, events, messages_per_s, records, peak_rss_mb, ...; bench/README.md)\n"
    "  --spool-dir DIR  keep delivered mail in a spool file made (and deleted at once) in DIR; default:\n"
    "                   $TMPDIR, else /tmp. Memory then follows the mail in flight, not all mail ever sent\n"
    "  --mailboxes-in-memory  keep delivered mail in memory instead (as the visualizer does)\n\n"
    "Exit: 0 every expectation held, 1 one failed (named in the results), 2 bad input (nothing ran),\n"
    "3 out of memory, 4 internal error.\n";

// --out, --pcap and --keylog, opened before the run (the key log is written as it goes).
struct OutputFiles {
  std::ofstream trace, pcap, keylog;
};

// Nothing, or what cannot be written.
std::optional<std::string> open_output_files(ParsedArguments& parsed, scenarios::World& world, OutputFiles& files) {
  if (parsed.has("out")) {
    files.trace.open(parsed.options["out"], std::ios::binary);
    if (!files.trace) return "cannot write --out file '" + parsed.options["out"] + "'";
  }
  if (parsed.has("pcap")) {
    files.pcap.open(parsed.options["pcap"], std::ios::binary);
    if (!files.pcap) return "cannot write --pcap file '" + parsed.options["pcap"] + "'";
  }
  if (parsed.has("keylog")) {
    files.keylog.open(parsed.options["keylog"], std::ios::binary);
    if (!files.keylog) return "cannot write --keylog file '" + parsed.options["keylog"] + "'";
    write_tls_keys_to(world, files.keylog);
  }
  return std::nullopt;
}

// Where delivered mail is kept: a spool file (the default; what cannot be made in --spool-dir is
// bad input), or memory (--mailboxes-in-memory, or when the default spool cannot be made: said on
// stderr). Spooled or not, the run's trace and verdicts are the same (scenarios/bounded_run.h).
struct MailboxChoice {
  std::shared_ptr<engine::FileSpool> spool;  // null: memory
  std::optional<std::string> usage_problem;
};

MailboxChoice choose_mailboxes(const ParsedArguments& parsed) {
  if (parsed.has("mailboxes-in-memory")) {
    if (parsed.has("spool-dir")) return {nullptr, "--spool-dir and --mailboxes-in-memory exclude each other"};
    return {};
  }
  const std::string directory = parsed.has("spool-dir") ? parsed.options.at("spool-dir") : "";
  if (parsed.has("spool-dir") && directory.empty()) return {nullptr, "bad --spool-dir ''; expected a directory"};
  engine::FileSpool::Opened opened = engine::FileSpool::open(directory);
  if (opened.spool) return {std::move(opened.spool), std::nullopt};
  if (parsed.has("spool-dir")) return {nullptr, "bad --spool-dir '" + directory + "': " + opened.error};
  std::cerr << "maillab run: warning: " << opened.error << "; delivered mail stays in memory (--spool-dir DIR puts "
            << "the spool elsewhere)\n";
  return {};
}

// The trace writers the run feeds: text or JSONL to `trace_out`, packets to the pcap file.
struct TraceWriters {
  std::unique_ptr<engine::JsonlTraceWriter> jsonl;
  std::unique_ptr<engine::PcapTraceWriter> pcap;
};

TraceWriters subscribe_writers(scenarios::World& world, engine::Time run_until, const std::string& format,
                               bool verbose, std::ostream& trace_out, std::ofstream& pcap_file) {
  engine::Trace& trace = world.simulator.trace();
  // Records stream to the writers below and are not kept: expectations keep their own tallies,
  // so a long run's memory follows what is in flight (DESIGN.md, "Data flow").
  trace.set_keep_records(false);
  trace.set_fingerprinting(false);  // nothing here prints it; with --trace none records are not even made
  TraceWriters writers;
  if (format == "text") {
    print_header(trace_out, world, run_until);
    trace.subscribe([&trace_out, verbose](const engine::TraceRecord& record) {
      if (!verbose && engine::is_pure_ack_hop(record)) return;  // JSONL and pcap keep them
      trace_out << engine::format_text(record) << '\n';
    });
  } else if (format == "jsonl") {
    writers.jsonl = std::make_unique<engine::JsonlTraceWriter>(trace_out);
    trace.subscribe(writers.jsonl->listener());
  }
  if (pcap_file.is_open()) {
    writers.pcap = std::make_unique<engine::PcapTraceWriter>(pcap_file);
    trace.subscribe(writers.pcap->listener());
  }
  return writers;
}

// The results block after the trace: every expectation, what failed, the ledger's summary.
void print_results(const scenarios::World& world, const scenarios::RunOutcome& outcome, bool after_text_trace) {
  std::cout << (after_text_trace ? "\n" : "") << "results (" << world.expectations.size()
            << (world.expectations.size() == 1 ? " expectation" : " expectations") << ", ran to "
            << engine::format_seconds(world.simulator.now()) << "s):\n"
            << scenarios::format_outcome(outcome);
  if (outcome.passed()) {
    std::cout << "all expectations held\n";
  } else {
    for (const auto& e : outcome.expectations) {
      if (e.result.passed) continue;
      std::cout << "FAILED: " << e.expectation->where.to_string() << ": " << e.expectation->description << "\n";
    }
    for (const auto& problem : outcome.audit_problems) std::cout << "FAILED audit: " << problem << "\n";
  }
  std::cout << world.ledger.summary_line() << "\n";
}

}  // namespace

int command_run(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments,
                                {{"until"}, {"trace"}, {"out"}, {"pcap"}, {"keylog"}, {"seed"}, {"verbose", false}, {"stats", false},
                                 {"spool-dir"}, {"mailboxes-in-memory", false}},
                                error);
  if (!parsed) return usage_error("run", error);
  if (parsed->help) {
    std::cout << help_text;
    return 0;
  }
  if (parsed->positional.size() != 1)
    return usage_error("run", parsed->positional.empty() ? "no scenario file given" : "give exactly one scenario file");

  std::optional<engine::Time> until;
  std::optional<std::uint64_t> seed;
  if (!read_duration(*parsed, "until", until, error) || !read_seed(*parsed, seed, error)) return usage_error("run", error);
  std::string format = parsed->has("trace") ? parsed->options["trace"] : "text";
  if (format != "text" && format != "jsonl" && format != "none")
    return usage_error("run", "bad --trace '" + format + "'; expected text, jsonl or none");
  MailboxChoice mailboxes = choose_mailboxes(*parsed);
  if (mailboxes.usage_problem) return usage_error("run", *mailboxes.usage_problem);

  bench::RunMeter meter;
  scenarios::Diagnostics diagnostics;
  const std::string& path = parsed->positional.front();
  auto world = scenarios::load_world(path, seed, diagnostics);
  if (!world) {
    std::cerr << diagnostics.to_string() << "maillab run: " << path << ": " << diagnostics.count()
              << (diagnostics.count() == 1 ? " error" : " errors") << "; nothing was run\n";
    return 2;
  }
  std::cerr << diagnostics.warnings_to_string();
  const engine::Time run_until = until.value_or(world->until);

  OutputFiles files;
  if (auto problem = open_output_files(*parsed, *world, files)) return usage_error("run", *problem);
  std::ostream& trace_out = parsed->has("out") ? static_cast<std::ostream&>(files.trace) : std::cout;
  TraceWriters writers = subscribe_writers(*world, run_until, format, parsed->has("verbose"), trace_out, files.pcap);
  if (mailboxes.spool) scenarios::spool_mailboxes(*world, mailboxes.spool);

  meter.loaded();
  // Settled messages folded into the ledger's counts as it goes: with the spool, a long run's
  // memory follows the mail in flight.
  scenarios::run_world_folding(*world, run_until);
  meter.finished();
  scenarios::RunOutcome outcome = scenarios::evaluate(*world);
  trace_out.flush();
  print_results(*world, outcome, format == "text" && !parsed->has("out"));
  // Conservation problems are audits, so a run that has any already failed above.
  if (parsed->has("stats")) {
    bench::print_mailbox_figures(std::cout, mailboxes.spool.get());
    meter.print(std::cout, *world);
  }
  const int status = outcome.passed() ? 0 : 1;
  world.reset();  // before the writers its trace still points at
  return status;
}

}  // namespace maillab::app
