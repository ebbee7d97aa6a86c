// maillab bench hold --pending P --events N [--seed S] — the event-list "hold" benchmark
// (bench/hold.h); maillab bench mail --domains D --users U --messages M ... — a generated world
// run end to end (bench/mail.h); maillab bench gui. Benchmarks print figures; nothing here is a
// timed test.
#include <iostream>
#include <limits>

#include "app/arguments.h"
#include "app/commands.h"
#include "bench/hold.h"
#include "bench/mail.h"
#include "bench/tls_handshake.h"
#include "bench/transfer.h"
#include "viz/benchmark_scrub.h"
#include "viz/visualizer.h"

namespace maillab::app {
namespace {

// Scrubbing a long run in the visualizer's model: bench mail's generated world (same flags), run
// to its end, then jumps back (viz/benchmark_scrub.h).
int bench_scrub(ParsedArguments& parsed) {
  std::string error;
  bench::MailBenchmarkOptions world;
  world.domains = 100;
  world.messages = 3600;  // about a million events (~280 a message)
  if (!read_whole_number(parsed, "domains", 1, 100'000, world.domains, error) ||
      !read_whole_number(parsed, "users", 1, 10'000, world.users, error) ||
      !read_whole_number(parsed, "messages", 0, 10'000'000, world.messages, error) ||
      !read_whole_number(parsed, "seed", 0, std::numeric_limits<std::uint64_t>::max(), world.seed, error))
    return usage_error("bench", error);
  viz::ScrubBenchmarkOptions options;
  if (!read_whole_number(parsed, "checkpoints", 0, 64, options.checkpoints, error) ||
      !read_whole_number(parsed, "spacing", 2, 1'000'000'000, options.checkpoint_spacing, error))
    return usage_error("bench", error);
  // Long enough for every message to meet its fate: the submissions, then a minute.
  const auto until_s = std::uint64_t(double(world.messages) / world.rate) + 61;
  options.scenario_text = bench::mail_benchmark_scenario(world) + "until: " + std::to_string(until_s) + "s\n";
  return viz::run_scrub_benchmark(std::cout, std::cerr, options);
}

int bench_mail(ParsedArguments& parsed) {
  bench::MailBenchmarkOptions options;
  std::string error;
  std::optional<std::uint64_t> seed;
  if (!read_whole_number(parsed, "domains", 1, 65536, options.domains, error) ||
      !read_whole_number(parsed, "users", 1, 100000, options.users, error) ||
      !read_whole_number(parsed, "messages", 1, 100'000'000, options.messages, error) || !read_seed(parsed, seed, error) ||
      !read_number(parsed, "loss", 0, 1, "a probability from 0 to 1", options.loss, error) ||
      !read_number(parsed, "rate", 0, 1e6, "messages per simulated second", options.rate, error))
    return usage_error("bench", error);
  if (options.rate == 0)
    return usage_error("bench", "bad --rate '" + parsed.options["rate"] + "'; expected messages per simulated second");
  options.seed = seed.value_or(options.seed);
  options.tls = parsed.has("tls");
  options.mailboxes_in_memory = parsed.has("mailboxes-in-memory");
  options.keep_trace = parsed.has("keep-trace");
  if (parsed.has("dkim-key") && !parsed.has("dkim")) return usage_error("bench", "--dkim-key needs --dkim");
  if (parsed.has("dkim")) {
    options.dkim = parsed.has("dkim-key") ? parsed.options["dkim-key"] : "rsa";
    if (options.dkim != "rsa" && options.dkim != "ed25519")
      return usage_error("bench", "bad --dkim-key '" + options.dkim + "'; expected rsa (2048-bit) or ed25519");
  }
  return bench::run_mail_benchmark(options, std::cout, std::cerr);
}

}  // namespace

int command_bench(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"pending"}, {"events"}, {"seed"}, {"frames"}, {"packets"}, {"screenshot"},
                                           {"domains"}, {"users"}, {"messages"}, {"loss"}, {"rate"}, {"tls", false},
                                           {"mailboxes-in-memory", false}, {"dkim", false}, {"dkim-key"}, {"keep-trace", false},
                                           {"increments"}, {"checkpoints"}, {"spacing"},
                                           {"handshakes"}, {"bytes"}},
                                error);
  if (!parsed) return usage_error("bench", error);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "gui") {
    // Frame-time percentiles of the visualizer with many packets in flight (needs a display:
    // run under xvfb-run).
    viz::GuiBenchmarkOptions options;
    std::uint64_t frames = static_cast<std::uint64_t>(options.frames);
    std::uint64_t packets = static_cast<std::uint64_t>(options.packets_in_flight);
    if (!read_whole_number(*parsed, "frames", 1, 100'000, frames, error) ||
        !read_whole_number(*parsed, "packets", 0, 1'000'000, packets, error))
      return usage_error("bench", error);
    options.frames = static_cast<int>(frames);
    options.packets_in_flight = static_cast<int>(packets);
    if (parsed->has("screenshot")) options.screenshot = parsed->options["screenshot"];
    return viz::run_gui_benchmark(std::cout, std::cerr, options) == 0 ? 0 : 2;
  }
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "mail") return bench_mail(*parsed);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "scrub") return bench_scrub(*parsed);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "tls") {
    std::uint64_t handshakes = 1000;
    if (!read_whole_number(*parsed, "handshakes", 1, 1'000'000, handshakes, error)) return usage_error("bench", error);
    return bench::run_tls_handshake_benchmark(static_cast<int>(handshakes), std::cout) == 0 ? 0 : 2;
  }
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "transfer") {
    // One TCP connection of N bytes: wall time and the bytes the stream buffers moved (linear in N).
    std::uint64_t bytes = 1'000'000;
    if (!read_whole_number(*parsed, "bytes", 1, 1'000'000'000, bytes, error)) return usage_error("bench", error);
    return bench::run_transfer_benchmark(bytes, std::cout) == 0 ? 0 : 2;
  }
  if (parsed->help) {
    std::cout << "Usage: maillab bench hold [--pending P] [--events N] [--increments uniform|exponential] [--seed S]\n"
                 "       maillab bench mail [--domains D] [--users U] [--messages M] [--rate R] [--loss P]\n"
                 "                          [--tls] [--dkim [--dkim-key rsa|ed25519]] [--mailboxes-in-memory]\n"
                 "                          [--keep-trace] [--seed S]\n"
                 "       maillab bench gui [--frames N] [--packets P] [--screenshot FILE]   (under xvfb-run)\n"
                 "       maillab bench scrub [--domains D] [--users U] [--messages M] [--seed S] [--checkpoints N] [--spacing E]\n"
                 "                                   (jumps back in a long run)\n"
                 "       maillab bench tls [--handshakes N]   TLS 1.3 handshake cost vs OpenSSL's own floor\n"
                 "       maillab bench transfer [--bytes N]\n"
                 "The classic hold model of event lists: P events stay pending (default 1000); each\n"
                 "of N events run (default 1000000) schedules one more, at now + an increment of mean\n"
                 "1000 ticks: uniform (default) or exponential (ns-3's workload; bench/ns3/ compares\n"
                 "ns-3's schedulers on the same stream). Prints one line of figures.\n"
                 "The gui benchmark renders P packets in flight (default 2000) for N frames (default\n"
                 "300) and prints frame-time percentiles; --screenshot saves the last frame measured.\n"
                 "The mail benchmark generates D domains (default 20) of U users (default 10) and sends M\n"
                 "messages (default 500) between random users at R a simulated second (default 1000),\n"
                 "through DNS, SMTP submission and relay, into the mailboxes; --loss on every domain's\n"
                 "uplink; --tls submits on 465 and relays with STARTTLS (without it no hop uses TLS);\n"
                 "--dkim signs every message (RSA-2048, or --dkim-key ed25519) and verifies it at the MX,\n"
                 "runs the same world without DKIM too, and prints what DKIM cost per message against\n"
                 "OpenSSL's own sign + verify (dkim_vs_openssl=); --keep-trace keeps every trace record, as\n"
                 "the visualizer does, and prints what their payloads hold (kept_payload_bytes=). It\n"
                 "prints name=value figures (bench/README.md) and exits 1\n"
                 "if a message is unaccounted for.\n"
                 "The transfer benchmark sends N bytes (default 1000000) over one TCP connection and\n"
                 "prints the wall time and the bytes its buffers moved: both grow linearly with N.\n";
    return 0;
  }
  if (parsed->positional.size() != 1 || parsed->positional.front() != "hold")
    return usage_error("bench", "unknown benchmark; expected 'hold', 'mail', 'gui', 'tls' or 'transfer'");
  std::uint64_t pending = 1000, events = 1'000'000;
  std::optional<std::uint64_t> seed;
  if (!read_whole_number(*parsed, "pending", 1, 100'000'000, pending, error) ||
      !read_whole_number(*parsed, "events", 1, std::numeric_limits<std::int64_t>::max(), events, error) ||
      !read_seed(*parsed, seed, error))
    return usage_error("bench", error);
  auto increments = bench::HoldIncrements::uniform;
  if (parsed->has("increments")) {
    auto named = bench::hold_increments_from_name(parsed->options["increments"]);
    if (!named)
      return usage_error("bench", "bad --increments '" + parsed->options["increments"] + "'; expected uniform or exponential");
    increments = *named;
  }
  int status = bench::run_hold_benchmark(static_cast<std::size_t>(pending), events, seed.value_or(1), std::cout,
                                         increments);
  return status == 0 ? 0 : 2;
}

}  // namespace maillab::app
