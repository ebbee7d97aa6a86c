// Lesson 10 (lessons/10-ports-and-tls.yaml): the facts its narration, questions and explanations
// quote, checked against the trace of its own run, step by step as a student walks it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/lesson_walk.h"
#include "protocols/common/base64.h"

using namespace maillab;
using namespace maillab::lessons;
using maillab::lessons::testing::contains;
using maillab::lessons::testing::next_step;
using maillab::lessons::testing::select;
using maillab::lessons::testing::window;
using engine::TraceKind;

namespace {
// The data segments `node` put on its link to `router`, in order.
std::vector<std::string> data_hops(const std::vector<engine::TraceRecord>& records, const std::string& node,
                                   const std::string& router) {
  std::vector<std::string> out;
  for (const auto& r : select(records, TraceKind::hop, node, router, "(data, ")) out.push_back(r.summary);
  return out;
}
}  // namespace

TEST_CASE("lesson 10: the facts its questions rely on hold in the trace", "[lessons][files][tls]") {
  std::string errors;
  auto run = testing::start_shipped_lesson("10-ports-and-tls", errors);
  INFO(errors);
  REQUIRE(run);

  // Step 1: ports only.
  REQUIRE(next_step(*run));

  // Step 2: security none on 587: the password's base64 crosses alice-laptop's link in a segment.
  REQUIRE(next_step(*run));
  {
    const auto hops = data_hops(window(*run), "alice-laptop", "isp");
    REQUIRE(hops.size() >= 4);
    bool auth = false, starttls = false;
    for (const auto& h : hops) {
      auth = auth || contains(h, "AUTH PLAIN AGFsaWNlAGFsaWNlLXNlY3JldA==");
      starttls = starttls || contains(h, "STARTTLS") || contains(h, "TLS ");
    }
    CHECK(auth);
    CHECK_FALSE(starttls);  // "none" never asks, though the server offered it
    CHECK_FALSE(select(window(*run), TraceKind::protocol, "mail.example.com", "alice-laptop", "250-STARTTLS").empty());
    // The quiz's decoding: "\0alice\0alice-secret".
    CHECK(maillab::common::base64_encode(std::string("\0alice\0alice-secret", 19)) == "AGFsaWNlAGFsaWNlLXNlY3JldA==");
  }

  // Step 3: on 143, only the greeting, A1 STARTTLS and A1 OK are plain; then TLS records only.
  REQUIRE(next_step(*run));
  {
    const auto records = window(*run);
    const auto out = data_hops(records, "alice-laptop", "isp");
    const auto in = data_hops(records, "isp", "alice-laptop");
    REQUIRE(out.size() >= 2);
    CHECK(contains(out[0], "A1 STARTTLS"));
    for (std::size_t i = 1; i < out.size(); ++i) CHECK(out[i].rfind("TLS ", 0) == 0);
    REQUIRE(in.size() >= 3);
    CHECK(contains(in[0], "* OK [CAPABILITY"));
    CHECK(contains(in[1], "A1 OK Begin TLS negotiation now"));
    for (std::size_t i = 2; i < in.size(); ++i) CHECK(in[i].rfind("TLS ", 0) == 0);
    CHECK(run->checkpoint()->summary == "A2 LOGIN alice ********");
  }

  // Step 4: may delivers with "NOT verified"; verify defers with "TLS refused".
  REQUIRE(next_step(*run));
  {
    const auto records = window(*run);
    CHECK(select(records, TraceKind::transport, "mail.example.com", "mx.example.org",
                 "NOT verified: certificate for mx.example.org expired 3 days ago (opportunistic TLS: going on encrypted)")
              .size() == 1);
    CHECK(select(records, TraceKind::mail, "mail.example.net", "",
                 "deferred: queue entry Q1 (TLS refused: certificate for mx.example.org expired 3 days ago)")
              .size() == 1);
    CHECK(select(records, TraceKind::transport, "mx.example.org", "", "TLS alert from the peer: certificate_expired").size() == 1);
  }

  // Step 5: on 993 the first data alice-phone sends is the ClientHello; nothing is plain.
  REQUIRE(next_step(*run));
  {
    const auto out = data_hops(window(*run), "alice-phone", "isp");
    REQUIRE_FALSE(out.empty());
    CHECK(out[0].rfind("TLS ClientHello", 0) == 0);
    for (const auto& h : out) CHECK(h.rfind("TLS ", 0) == 0);
    for (const auto& h : data_hops(window(*run), "isp", "alice-phone")) CHECK(h.rfind("TLS ", 0) == 0);
  }

  // Steps 6 and 7: to the end, the lesson's last step.
  REQUIRE(next_step(*run));
  REQUIRE(next_step(*run));
  CHECK(run->step_index() == run->step_count() - 1);
}
