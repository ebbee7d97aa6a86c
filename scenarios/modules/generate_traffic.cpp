// `generate: traffic:` — streams of messages between generated domains (scenarios/README.md,
// "Generated worlds"). Each entry is one stream with its own random generator, derived from the
// run's seed and the entry's position, so a seed names the traffic exactly and adding a stream
// does not change the others. A stream holds one pending event at a time: when it fires it builds
// one message, submits it, and schedules the next arrival. Memory follows the messages in
// flight, not the count asked for.
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "engine/hosts/mail/submission_client.h"
#include "engine/net/network.h"
#include "protocols/mail/message.h"
#include "scenarios/modules/generate_module.h"
#include "scenarios/values.h"

namespace maillab::scenarios::generate_module {
namespace {

enum class Arrival { poisson, uniform };

struct Stream {
  std::size_t index = 0;         // position in traffic:, for subjects
  std::uint64_t count = 0;
  double rate_per_second = 1;
  Arrival arrival = Arrival::poisson;
  std::uint64_t min_size = 1000, max_size = 1000;  // body bytes
  std::vector<std::size_t> from, to;               // indices into State::domains
  double unknown_recipients = 0, nxdomain = 0, spoofed = 0;
  bool tls = false;  // submit on 465, TLS from the first byte (RFC 8314), instead of 587
  engine::Rng rng;
  std::uint64_t sent = 0;
};

// "1.5MB" -> {1.5, "MB"}; a text that does not start with a number gives a negative value.
std::pair<double, std::string> number_and_unit(const std::string& text) {
  std::size_t end = 0;
  double value = -1;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
  }
  return {value, text.substr(end)};
}

// "2KB", "1.5MB", "800" (bytes); KB = 1000 bytes.
std::optional<std::uint64_t> size_of(const YAML::Node& node, LoadContext& context) {
  auto text = context.text(node, "message size");
  if (!text) return std::nullopt;
  const auto [value, unit] = number_and_unit(*text);
  const double scale = unit.empty() || unit == "B" ? 1 : unit == "KB" ? 1e3 : unit == "MB" ? 1e6 : -1;
  if (value < 0 || scale < 0 || value * scale > 50e6) {
    context.error(node, "bad message size '" + *text + "'", "a size up to 50MB like 800, 2KB or 1.5MB");
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(value * scale);
}

// "100/s", "30/m", "2/h", or a bare number of messages per second.
std::optional<double> rate_of(const YAML::Node& node, LoadContext& context) {
  auto text = context.text(node, "traffic rate");
  if (!text) return std::nullopt;
  const auto [value, unit] = number_and_unit(*text);
  const double per = unit.empty() || unit == "/s" ? 1 : unit == "/m" ? 60 : unit == "/h" ? 3600 : -1;
  if (!(value > 0) || per < 0 || value / per > 1e6) {
    context.error(node, "bad traffic rate '" + *text + "'", "messages per second, minute or hour: 100/s, 30/m, 2/h");
    return std::nullopt;
  }
  return value / per;
}

std::optional<std::vector<std::size_t>> domain_set(const YAML::Node& node, const State& state, LoadContext& context,
                                                   std::string_view what) {
  std::vector<std::size_t> indices;
  if (!node || (node.IsScalar() && node.Scalar() == "all")) {
    for (std::size_t i = 0; i < state.domains.size(); ++i) indices.push_back(i);
    return indices;
  }
  auto names = context.text_list(node, what);
  if (!names) return std::nullopt;
  for (const auto& name : *names) {
    std::size_t found = state.domains.size();
    for (std::size_t i = 0; i < state.domains.size(); ++i)
      if (state.domains[i].name == name) found = i;
    if (found == state.domains.size()) {
      context.error(node, "'" + name + "' is not a generated domain", "all, or generated domains like d1.com, d2.org");
      return std::nullopt;
    }
    indices.push_back(found);
  }
  return indices;
}

std::optional<double> share(const YAML::Node& block, const char* key, LoadContext& context) {
  if (!block[key]) return 0.0;
  return context.number(block[key], key, 0.0, 1.0);
}

// A classic typo of the top-level domain (org -> ogr): a domain nobody serves, so the sender's
// MTA gets NXDOMAIN and bounces the message (5.1.2).
std::string misspelled(const std::string& domain) {
  std::string typo = domain;
  const std::size_t dot = typo.rfind('.');
  if (typo.size() - dot >= 3 && typo[typo.size() - 1] != typo[typo.size() - 2])
    std::swap(typo[typo.size() - 1], typo[typo.size() - 2]);
  else
    typo += "x";
  return typo;
}

// Readable filler of exactly `size` bytes in lines of at most 72 characters (RFC 5322 §2.1.1
// recommends 78), so the message is the asked size before the headers.
std::string body_of(std::uint64_t size, const std::string& label) {
  std::string body;
  body.reserve(size);
  const std::string line = "This is " + label + ", generated traffic; the words repeat to fill it out.";
  while (body.size() < size) {
    const std::size_t room = size - body.size();
    if (room <= 2) {
      body.append(room, ' ');
      break;
    }
    body.append(line, 0, std::min(line.size(), room - 2));
    body += "\r\n";
  }
  return body;
}

engine::SubmissionClient& client_on(engine::Host& host, LoadContext& context) {
  if (auto* client = host.find_service<engine::SubmissionClient>()) return *client;
  return static_cast<engine::SubmissionClient&>(
      host.add_service(std::make_unique<engine::SubmissionClient>(&context.world.ledger)));
}

// Builds and submits the stream's next message.
void send_one(Stream& stream, State& state) {
  engine::Rng& rng = stream.rng;
  const GeneratedDomain& from = state.domains[stream.from[rng.uniform(stream.from.size())]];
  const GeneratedDomain& to = state.domains[stream.to[rng.uniform(stream.to.size())]];
  const std::string& user = from.users[rng.uniform(from.users.size())];
  std::string recipient = to.users[rng.uniform(to.users.size())] + "@" + to.name;
  const double kind = rng.uniform_real();
  const bool spoofed = kind < stream.spoofed;
  if (!spoofed && kind < stream.spoofed + stream.unknown_recipients)
    recipient = "nobody" + std::to_string(rng.uniform(1000)) + "@" + to.name;
  else if (!spoofed && kind < stream.spoofed + stream.unknown_recipients + stream.nxdomain)
    recipient = recipient.substr(0, recipient.find('@')) + "@" + misspelled(to.name);
  const std::uint64_t size = stream.min_size + rng.uniform(stream.max_size - stream.min_size + 1);
  ++stream.sent;
  const std::string label = "message " + std::to_string(stream.index + 1) + "." + std::to_string(stream.sent);

  const std::string sender = user + "@" + from.name;
  mail::Message message;
  message.headers.append("From", sender);
  message.headers.append("To", recipient);
  message.headers.append("Subject", label);
  message.body = body_of(size, label);

  engine::Submission submission;
  submission.envelope.reverse_path = sender;
  submission.envelope.recipients = {recipient};
  submission.message = message.serialize();
  submission.label = label;
  engine::Host* client_host = nullptr;
  engine::Host* server = nullptr;
  if (spoofed) {
    // A forger's script: straight to the recipient's MX on port 25, no AUTH, someone else's From.
    client_host = state.spoofer;
    server = to.mta;
    submission.server = engine::Endpoint{server->address(), 25};
  } else {
    client_host = from.clients[rng.uniform(from.clients.size())];
    server = from.mta;
    submission.server = engine::Endpoint{server->address(), static_cast<std::uint16_t>(stream.tls ? 465 : 587)};
    submission.implicit_tls = stream.tls;
    submission.auth_user = user;
    submission.auth_password = password_of(user);
  }
  submission.server_name = server->name();
  auto* client = client_host->find_service<engine::SubmissionClient>();
  client->submit(std::move(submission));
}

engine::Time next_gap(Stream& stream) {
  const double mean = 1e6 / stream.rate_per_second;  // microseconds
  if (stream.arrival == Arrival::uniform) return static_cast<engine::Time>(std::llround(mean));
  // Exponential gaps: a Poisson process of the given rate.
  return static_cast<engine::Time>(std::llround(-std::log1p(-stream.rng.uniform_real()) * mean));
}

void schedule_next(std::shared_ptr<Stream> stream, State* state, engine::Simulator* simulator, engine::Time at) {
  simulator->schedule_at(at, [stream, state, simulator] {
    send_one(*stream, *state);
    if (stream->sent < stream->count) schedule_next(stream, state, simulator, simulator->now() + next_gap(*stream));
  });
}

// arrival: poisson | uniform. False after an error.
bool read_arrival(const YAML::Node& block, Stream& stream, LoadContext& context) {
  if (!block["arrival"]) return true;
  auto arrival = context.text(block["arrival"], "arrival");
  if (arrival && (*arrival == "poisson" || *arrival == "uniform")) {
    stream.arrival = *arrival == "poisson" ? Arrival::poisson : Arrival::uniform;
    return true;
  }
  if (arrival)
    context.error(block["arrival"], "unknown arrival process '" + *arrival + "'" +
                                        did_you_mean(*arrival, {"poisson", "uniform"}),
                  "poisson (random gaps, the given mean rate) or uniform (evenly spaced)");
  return false;
}

// size: one size, or [smallest, largest]. False after an error.
bool read_size(const YAML::Node& block, Stream& stream, LoadContext& context) {
  const YAML::Node size = block["size"];
  if (!size) return true;
  std::optional<std::uint64_t> low, high;
  if (size.IsSequence() && size.size() == 2) {
    low = size_of(size[0], context);
    high = size_of(size[1], context);
    if (low && high && *low > *high) {
      context.error(size, "the smallest size is above the largest", "[smallest, largest], e.g. [1KB, 20KB]");
      low.reset();
    }
  } else {
    low = high = size_of(size, context);
  }
  if (!low || !high) return false;
  stream.min_size = *low;
  stream.max_size = *high;
  return true;
}

// One entry of traffic: (the `position`th), with its start time; nothing after any error.
std::optional<std::pair<std::shared_ptr<Stream>, engine::Time>> read_stream(const YAML::Node& block,
                                                                             std::size_t position, State& state,
                                                                             LoadContext& context) {
  if (!context.check_keys(block, "traffic", {"count"},
                          {"start", "rate", "arrival", "size", "from", "to", "unknown_recipients", "nxdomain",
                           "spoofed", "tls"}))
    return std::nullopt;
  auto stream = std::make_shared<Stream>();
  stream->index = position;
  auto count = context.integer(block["count"], "traffic count", 1, 100'000'000);
  std::optional<engine::Time> start = engine::seconds(1);
  if (block["start"]) start = context.duration(block["start"], "traffic start");
  std::optional<double> rate = 10.0;
  if (block["rate"]) rate = rate_of(block["rate"], context);
  bool ok = count && start && rate;
  ok = read_arrival(block, *stream, context) && ok;
  ok = read_size(block, *stream, context) && ok;
  if (block["tls"]) {
    auto tls = context.boolean(block["tls"], "traffic tls");
    if (tls) stream->tls = *tls;
    ok = ok && tls;
  }
  auto from = domain_set(block["from"], state, context, "traffic from");
  auto to = domain_set(block["to"], state, context, "traffic to");
  auto unknown = share(block, "unknown_recipients", context);
  auto nxdomain = share(block, "nxdomain", context);
  auto spoofed = share(block, "spoofed", context);
  ok = ok && from && to && unknown && nxdomain && spoofed;
  if (ok && *unknown + *nxdomain + *spoofed > 1.0) {
    context.error(block, "unknown_recipients, nxdomain and spoofed add up to more than 1",
                  "shares of the messages that add up to at most 1");
    ok = false;
  }
  if (!ok) return std::nullopt;
  stream->count = static_cast<std::uint64_t>(*count);
  stream->rate_per_second = *rate;
  stream->from = std::move(*from);
  stream->to = std::move(*to);
  stream->unknown_recipients = *unknown;
  stream->nxdomain = *nxdomain;
  stream->spoofed = *spoofed;
  stream->rng = context.world.simulator.rng().derive("generated traffic " + std::to_string(position));
  return std::make_pair(stream, *start);
}

}  // namespace

void schedule_traffic(const YAML::Node& traffic, LoadContext& context) {
  if (!context.require_sequence(traffic, "generate traffic")) return;
  State& state = context.world.module_state<State>();
  if (state.domains.empty()) {
    context.error(traffic, "traffic without generated domains", "a domains: entry in the same generate: section");
    return;
  }
  std::size_t index = 0;
  for (const auto& block : traffic) {
    auto stream = read_stream(block, index++, state, context);
    if (!stream) continue;
    auto& [sending, start] = *stream;
    // Every machine that may send gets its submission client now, at load time.
    for (std::size_t i : sending->from)
      for (engine::Host* client : state.domains[i].clients) client_on(*client, context);
    if (sending->spoofed > 0 && state.spoofer) client_on(*state.spoofer, context);
    schedule_next(sending, &state, &context.world.simulator, start);
  }
}

}  // namespace maillab::scenarios::generate_module
