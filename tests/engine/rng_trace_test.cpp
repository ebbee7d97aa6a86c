// The run's randomness (engine/core/rng.h) and the Trace with its writers (engine/core/trace*.h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "engine/core/rng.h"
#include "engine/core/trace.h"
#include "engine/core/trace_writers.h"

using namespace maillab::engine;

TEST_CASE("Rng: same seed same numbers, derive is independent of draws", "[engine][rng]") {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 10; ++i) CHECK(a.next_u64() == b.next_u64());
  CHECK(Rng(42).next_u64() != c.next_u64());
  Rng fresh(42);
  Rng used(42);
  for (int i = 0; i < 100; ++i) used.next_u64();
  CHECK(fresh.derive("link:a-b").next_u64() == used.derive("link:a-b").next_u64());
  CHECK(fresh.derive("link:a-b").next_u64() != fresh.derive("link:a-c").next_u64());
}

TEST_CASE("Rng: bounds and chance extremes", "[engine][rng]") {
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    CHECK(rng.uniform(7) < 7);
    const double x = rng.uniform_real();
    CHECK((x >= 0.0 && x < 1.0));
  }
  Rng quiet(5);
  const auto before = Rng(5).next_u64();
  CHECK_FALSE(quiet.chance(0.0));
  CHECK(quiet.chance(1.0));
  CHECK(quiet.next_u64() == before);  // neither extreme drew a number
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += rng.chance(0.25);
  CHECK(hits > 2200);
  CHECK(hits < 2800);
}

TEST_CASE("format_seconds writes six decimals", "[engine][trace]") {
  CHECK(format_seconds(0) == "0.000000");
  CHECK(format_seconds(12'345'678) == "12.345678");
  CHECK(format_seconds(-1'500'000) == "-1.500000");
}

namespace {
TraceRecord sample(Time t, std::string summary) {
  TraceRecord r;
  r.time = t;
  r.kind = TraceKind::protocol;
  r.node = "resolver";
  r.peer = "a.root";
  r.protocol = "DNS";
  r.summary = std::move(summary);
  r.payload = {0xab, 0x01};
  r.packet = 7;
  return r;
}
}  // namespace

TEST_CASE("Trace numbers records, notifies listeners and fingerprints content", "[engine][trace]") {
  Trace one, two, other;
  int heard = 0;
  one.subscribe([&](const TraceRecord&) { ++heard; });
  one.record(sample(1, "Q MX example.org"));
  one.record(sample(2, "R MX example.org"));
  two.record(sample(1, "Q MX example.org"));
  two.record(sample(2, "R MX example.org"));
  other.record(sample(1, "Q MX example.org"));
  other.record(sample(2, "R MX example.com"));
  CHECK(heard == 2);
  REQUIRE(one.records().size() == 2);
  CHECK(one.records()[1].sequence == 1);
  CHECK(one.fingerprint() == two.fingerprint());
  CHECK(one.fingerprint() != other.fingerprint());

  Trace streaming;
  streaming.set_keep_records(false);
  const auto& last = streaming.record(sample(3, "x"));
  CHECK(last.summary == "x");
  CHECK(streaming.records().empty());
  CHECK(streaming.count() == 1);
}

TEST_CASE("text and JSONL writers", "[engine][trace]") {
  const TraceRecord r = [] {
    auto s = sample(12'345, "Q \"MX\"\n");
    s.sequence = 4;
    return s;
  }();
  const std::string text = format_text(r);
  CHECK(text.find("0.012345") != std::string::npos);
  CHECK(text.find("resolver -> a.root") != std::string::npos);
  CHECK(format_jsonl(r) ==
        "{\"t\":12345,\"seq\":4,\"kind\":\"protocol\",\"node\":\"resolver\",\"peer\":\"a.root\",\"protocol\":\"DNS\","
        "\"summary\":\"Q \\\"MX\\\"\\n\",\"packet\":7,\"payload\":\"ab01\"}");
  CHECK(json_escape(std::string("a\x01") + "b") == "a\\u0001b");

  std::ostringstream out;
  TextTraceWriter writer(out, TextFilter{false, true});
  TraceRecord hop = r;
  hop.kind = TraceKind::hop;
  writer.write(hop);
  writer.write(r);
  const std::string written = out.str();
  CHECK(std::count(written.begin(), written.end(), '\n') == 1);
  CHECK(written.find("protocol") != std::string::npos);
}
