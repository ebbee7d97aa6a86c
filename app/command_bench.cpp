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
#include "viz/visualizer.h"

namespace maillab::app {
namespace {

std::optional<double> fraction(const std::string& text, double max) {
  try {
    std::size_t end = 0;
    const double value = std::stod(text, &end);
    if (end == text.size() && value >= 0 && value <= max) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

int bench_mail(ParsedArguments& parsed) {
  bench::MailBenchmarkOptions options;
  struct Count {
    const char* name;
    std::uint64_t* into;
    std::uint64_t max;
  };
  for (const Count& count : {Count{"domains", &options.domains, 65536}, Count{"users", &options.users, 100000},
                             Count{"messages", &options.messages, 100'000'000}}) {
    if (!parsed.has(count.name)) continue;
    auto value = parse_whole_number(parsed.options[count.name], count.max);
    if (!value || *value == 0)
      return usage_error("bench", "bad --" + std::string(count.name) + " '" + parsed.options[count.name] +
                                      "'; expected a whole number from 1 to " + std::to_string(count.max));
    *count.into = *value;
  }
  std::optional<std::uint64_t> seed;
  std::string error;
  if (!read_seed(parsed, seed, error)) return usage_error("bench", error);
  options.seed = seed.value_or(options.seed);
  if (parsed.has("loss")) {
    auto value = fraction(parsed.options["loss"], 1.0);
    if (!value) return usage_error("bench", "bad --loss '" + parsed.options["loss"] + "'; expected a probability from 0 to 1");
    options.loss = *value;
  }
  if (parsed.has("rate")) {
    auto value = fraction(parsed.options["rate"], 1e6);
    if (!value || *value == 0)
      return usage_error("bench", "bad --rate '" + parsed.options["rate"] + "'; expected messages per simulated second");
    options.rate = *value;
  }
  options.tls = parsed.has("tls");
  return bench::run_mail_benchmark(options, std::cout, std::cerr);
}

}  // namespace

int command_bench(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"pending"}, {"events"}, {"seed"}, {"frames"}, {"packets"}, {"screenshot"},
                                           {"domains"}, {"users"}, {"messages"}, {"loss"}, {"rate"}, {"tls", false},
                                           {"handshakes"}, {"bytes"}},
                                error);
  if (!parsed) return usage_error("bench", error);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "gui") {
    // Frame-time percentiles of the visualizer with many packets in flight (needs a display:
    // run under xvfb-run).
    viz::GuiBenchmarkOptions options;
    if (parsed->has("frames")) {
      auto frames = parse_whole_number(parsed->options["frames"], 100'000);
      if (!frames || *frames == 0) return usage_error("bench", "bad --frames; expected a whole number above 0");
      options.frames = static_cast<int>(*frames);
    }
    if (parsed->has("packets")) {
      auto packets = parse_whole_number(parsed->options["packets"], 1'000'000);
      if (!packets) return usage_error("bench", "bad --packets; expected a whole number");
      options.packets_in_flight = static_cast<int>(*packets);
    }
    if (parsed->has("screenshot")) options.screenshot = parsed->options["screenshot"];
    return viz::run_gui_benchmark(std::cout, std::cerr, options) == 0 ? 0 : 2;
  }
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "mail") return bench_mail(*parsed);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "tls") {
    int handshakes = 1000;
    if (parsed->has("handshakes")) {
      auto value = parse_whole_number(parsed->options["handshakes"], 1'000'000);
      if (!value || *value == 0) return usage_error("bench", "bad --handshakes; expected a whole number above 0");
      handshakes = static_cast<int>(*value);
    }
    return bench::run_tls_handshake_benchmark(handshakes, std::cout) == 0 ? 0 : 2;
  }
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "transfer") {
    // One TCP connection of N bytes: wall time and the bytes the stream buffers moved (linear in N).
    std::uint64_t bytes = 1'000'000;
    if (parsed->has("bytes")) {
      auto value = parse_whole_number(parsed->options["bytes"], 1'000'000'000);
      if (!value || *value == 0) return usage_error("bench", "bad --bytes; expected a whole number from 1 to 1000000000");
      bytes = *value;
    }
    return bench::run_transfer_benchmark(bytes, std::cout) == 0 ? 0 : 2;
  }
  if (parsed->help) {
    std::cout << "Usage: maillab bench hold [--pending P] [--events N] [--seed S]\n"
                 "       maillab bench mail [--domains D] [--users U] [--messages M] [--rate R] [--loss P]\n"
                 "                          [--tls] [--seed S]\n"
                 "       maillab bench gui [--frames N] [--packets P] [--screenshot FILE]   (under xvfb-run)\n"
                 "       maillab bench tls [--handshakes N]   TLS 1.3 handshake cost vs OpenSSL's own floor\n"
                 "       maillab bench transfer [--bytes N]\n"
                 "The classic hold model of event lists: P events stay pending (default 1000); each\n"
                 "of N events run (default 1000000) schedules one more. Prints one line of figures.\n"
                 "The gui benchmark renders P packets in flight (default 2000) for N frames (default\n"
                 "300) and prints frame-time percentiles; --screenshot saves the last frame measured.\n"
                 "The mail benchmark generates D domains (default 20) of U users (default 10) and sends M\n"
                 "messages (default 500) between random users at R a simulated second (default 1000),\n"
                 "through DNS, SMTP submission and relay, into the mailboxes; --loss on every domain's\n"
                 "uplink; --tls submits on 465 and relays with STARTTLS (without it no hop uses TLS). It\n"
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
  int status = bench::run_hold_benchmark(static_cast<std::size_t>(pending), events, seed.value_or(1), std::cout);
  return status == 0 ? 0 : 2;
}

}  // namespace maillab::app
