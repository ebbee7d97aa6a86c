#include <catch2/catch.hpp>

#include "protocols/mail/address.h"

using namespace maillab::mail;

TEST_CASE("plain addr-spec", "[mail][address]") {
  auto address = parse_mailbox("bob@example.org");
  REQUIRE(address.ok());
  CHECK(address->local_part == "bob");
  CHECK(address->domain == "example.org");
  CHECK(address->display_name.empty());
  CHECK(address->to_string() == "bob@example.org");
}

TEST_CASE("display names, quoted and not", "[mail][address]") {
  auto quoted = parse_mailbox("\"Bob Smith\" <bob@example.org>");
  REQUIRE(quoted.ok());
  CHECK(quoted->display_name == "Bob Smith");
  CHECK(quoted->addr_spec() == "bob@example.org");
  CHECK(quoted->to_string() == "Bob Smith <bob@example.org>");

  auto plain = parse_mailbox("Bob <bob@example.org>");
  REQUIRE(plain.ok());
  CHECK(plain->display_name == "Bob");

  auto comma = parse_mailbox("\"Smith, Bob\" <bob@example.org>");
  REQUIRE(comma.ok());
  CHECK(comma->display_name == "Smith, Bob");
  CHECK(comma->to_string() == "\"Smith, Bob\" <bob@example.org>");

  auto comment = parse_mailbox("bob@example.org (Bob Smith)");
  REQUIRE(comment.ok());
  CHECK(comment->addr_spec() == "bob@example.org");
}

TEST_CASE("quoted local parts keep their content and are re-quoted", "[mail][address]") {
  auto address = parse_mailbox("\"john smith\"@example.org");
  REQUIRE(address.ok());
  CHECK(address->local_part == "john smith");
  CHECK(address->addr_spec() == "\"john smith\"@example.org");
  auto escaped = parse_mailbox("<\"a\\\"b\"@example.org>");
  REQUIRE(escaped.ok());
  CHECK(escaped->local_part == "a\"b");
  CHECK(escaped->addr_spec() == "\"a\\\"b\"@example.org");
}

TEST_CASE("address lists with commas, quoted commas and groups", "[mail][address]") {
  auto list = parse_address_list("alice@example.org, \"Smith, Bob\" <bob@example.org>,carol@example.net");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK(list.value()[1].display_name == "Smith, Bob");
  CHECK(list.value()[2].addr_spec() == "carol@example.net");

  auto group = parse_address_list("Team: a@x.org, b@y.org;, c@z.org");
  REQUIRE(group.ok());
  REQUIRE(group->size() == 3);
  CHECK(group.value()[0].addr_spec() == "a@x.org");

  auto empty_group = parse_address_list("undisclosed-recipients:;");
  REQUIRE(empty_group.ok());
  CHECK(empty_group->empty());
}

TEST_CASE("domains compare case-insensitively, local parts do not", "[mail][address]") {
  auto one = parse_mailbox("Bob@Example.ORG");
  auto two = parse_mailbox("Bob@example.org");
  auto three = parse_mailbox("bob@example.org");
  REQUIRE((one.ok() && two.ok() && three.ok()));
  CHECK(one->same_mailbox(two.value()));
  CHECK_FALSE(one->same_mailbox(three.value()));
  CHECK(one->domain == "Example.ORG");  // kept as written; lowercased for comparison only
  CHECK(one->domain_lowercase() == "example.org");
}

TEST_CASE("RFC 5321 paths: null reverse-path, source routes, postmaster", "[mail][address]") {
  auto null = parse_reverse_path("<>");
  REQUIRE(null.ok());
  CHECK(null->is_null);
  CHECK(null->to_string() == "<>");
  CHECK_FALSE(parse_forward_path("<>").ok());

  auto routed = parse_forward_path("<@relay.example,@other.example:bob@example.org>");
  REQUIRE(routed.ok());
  CHECK(routed->address() == "bob@example.org");

  auto postmaster = parse_forward_path("<Postmaster>");
  REQUIRE(postmaster.ok());
  CHECK(postmaster->address() == "Postmaster");

  auto quoted = parse_reverse_path("<\"john smith\"@example.org>");
  REQUIRE(quoted.ok());
  CHECK(quoted->address() == "\"john smith\"@example.org");

  std::size_t consumed = 0;
  auto prefix = parse_path_prefix("<a@b.org> SIZE=100", consumed, true, false);
  REQUIRE(prefix.ok());
  CHECK(consumed == 9);
  auto literal = parse_forward_path("<bob@[192.0.2.1]>");
  REQUIRE(literal.ok());
  CHECK(literal->mailbox.domain == "[192.0.2.1]");
}

TEST_CASE("junk addresses give errors, not crashes", "[mail][address]") {
  for (const char* junk : {"", "@", "bob", "bob@", "@example.org", "<bob@example.org", "bob@@example.org",
                           "\"unclosed@example.org", "a..b@example.org", ".a@example.org", "Bob bob@example.org",
                           "(unclosed comment bob@x.org", "bob@exa mple.org", "<>", "<<>>", "\x01\xff@x",
                           "Group: a@b.org", "a@b.org,,,", "bob@example.org junk"}) {
    auto mailbox = parse_mailbox(junk);
    if (std::string(junk) != "a@b.org,,,") CHECK_FALSE(mailbox.ok());
    if (!mailbox.ok()) CHECK_FALSE(mailbox.error().empty());
    (void)parse_address_list(junk);  // must not crash either
  }
  for (const char* junk : {"", "bob@example.org", "<bob>", "<bob@>", "<bob@exa_mple.org>", "<bob@example..org>",
                           "<bob@example.org", "<\"bob@example.org>", "<@relay bob@x.org>", "<a b@example.org>"}) {
    auto path = parse_forward_path(junk);
    CHECK_FALSE(path.ok());
    CHECK_FALSE(path.error().empty());
  }
}
