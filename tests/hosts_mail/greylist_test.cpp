// Greylisting: postgrey-style 450 4.7.1 to a new triplet, then the retry that passes.
#include <catch2/catch.hpp>

#include "engine/hosts/mail/greylist.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

TEST_CASE("greylist: a new triplet waits `delay`, then passes and stays known", "[hosts_mail][greylist]") {
  engine::Greylist greylist({seconds(300), seconds(3600)});
  auto first = greylist.check("10.0.0.1", "a@x", "b@y", seconds(10));
  CHECK_FALSE(first.pass);
  CHECK(first.first);
  CHECK(first.wait == seconds(300));
  auto early = greylist.check("10.0.0.1", "A@X", "b@y", seconds(100));  // addresses in any case
  CHECK_FALSE(early.pass);
  CHECK(early.wait == seconds(210));
  CHECK(greylist.check("10.0.0.1", "a@x", "b@y", seconds(310)).pass);
  CHECK(greylist.check("10.0.0.1", "a@x", "b@y", seconds(320)).pass);   // known now
  CHECK_FALSE(greylist.check("10.0.0.2", "a@x", "b@y", seconds(330)).pass);  // another client
  CHECK_FALSE(greylist.check("10.0.0.1", "a@x", "b@y", seconds(320 + 3601)).pass);  // forgotten after max_age
}

TEST_CASE("smtp-greylisting: 450 4.7.1, a deferral, and the retry after the delay gets in",
          "[hosts_mail][greylist][scenarios]") {
  auto world = testing::load_file("smtp-greylisting");
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  auto refusals = testing::service<engine::MtaService>(*world, "mx.example.org").rejections();
  REQUIRE(refusals.size() == 2);
  CHECK(refusals[0].reply.code == 450);
  CHECK(refusals[0].reply.enhanced_status == "4.7.1");
  CHECK(refusals[1].when - refusals[0].when < seconds(120));  // the first retry came too early
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox bob");
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0]->time - refusals[0].when >= seconds(120));
}

TEST_CASE("greylisting leaves logged-in users and the submission port alone", "[hosts_mail][greylist]") {
  auto world = testing::load_text(testing::small_world(
      "{greylist: true}", "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, via: mail.example.com, "
                          "from_host: alice-laptop}}\n"
                          "  - {at: 2s, send: {from: x@outside.test, to: carol@example.com, via: mail.example.com, "
                          "from_host: attacker, port: 25}}\n"));
  testing::run(*world);
  const auto& refusals = testing::service<engine::MtaService>(*world, "mail.example.com").rejections();
  REQUIRE(refusals.size() == 1);  // only the stranger on port 25
  CHECK(refusals[0].client == "attacker");
  CHECK(refusals[0].reply.summary().find("450 4.7.1 <carol@example.com>: Recipient address rejected: Greylisted, "
                                         "try again in 300 s") == 0);
}
