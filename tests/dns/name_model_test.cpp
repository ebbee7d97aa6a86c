// dns::Name keeps its labels in one string, in wire form (protocols/dns/name.h). These tests hold
// every operation to a model over a plain vector of labels, written here from RFC 1035 §2.3.4,
// RFC 4343 §3 (ASCII-only case folding) and RFC 4034 §6.1 (canonical order, labels compared from
// the right, a shorter name first), on names drawn at random from a small alphabet so that equal
// labels, equal suffixes and case-only differences come up often.
#include <catch2/catch.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "protocols/dns/name.h"
#include "protocols/dns/wire.h"

using namespace maillab::dns;

namespace {

using Labels = std::vector<std::string>;

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int model_compare_label(const std::string& a, const std::string& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const auto x = static_cast<unsigned char>(fold(a[i])), y = static_cast<unsigned char>(fold(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool model_equal(const Labels& a, const Labels& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (model_compare_label(a[i], b[i]) != 0) return false;
  return true;
}

int model_order(const Labels& a, const Labels& b) {
  for (std::size_t i = 1; i <= a.size() && i <= b.size(); ++i)
    if (int order = model_compare_label(a[a.size() - i], b[b.size() - i]); order != 0) return order;
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool model_subdomain(const Labels& name, const Labels& ancestor) {
  if (ancestor.size() > name.size()) return false;
  return model_equal(Labels(name.end() - static_cast<std::ptrdiff_t>(ancestor.size()), name.end()), ancestor);
}

struct Draw {
  std::uint64_t state;
  std::uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
  Labels labels() {
    static const std::string alphabet = "aAbB-.\\ \x01\xff";  // letters in both cases, and odd octets
    Labels result(next() % 5);
    for (auto& label : result) {
      label.resize(1 + next() % (next() % 8 == 0 ? 63 : 3));
      for (auto& c : label) c = alphabet[next() % alphabet.size()];
    }
    return result;
  }
};

int sign(std::strong_ordering order) { return order < 0 ? -1 : (order > 0 ? 1 : 0); }

}  // namespace

TEST_CASE("every Name operation agrees with a model over a vector of labels", "[dns][name]") {
  Draw draw{2026};
  for (int round = 0; round < 20000; ++round) {
    const Labels a = draw.labels(), b = round % 3 == 0 ? a : draw.labels();
    const Name x = Name::from_labels(a).value(), y = Name::from_labels(b).value();
    INFO(x.to_text() << " vs " << y.to_text());
    REQUIRE(x.labels() == a);
    REQUIRE(x.label_count() == a.size());
    std::string wire;
    for (const auto& label : a) wire += static_cast<char>(label.size()) + label;
    REQUIRE(x.wire_labels() == wire);
    REQUIRE(x.wire_length() == wire.size() + 1);
    REQUIRE((x == y) == model_equal(a, b));
    REQUIRE(sign(x <=> y) == model_order(a, b));
    REQUIRE(x.is_subdomain_of(y) == model_subdomain(a, b));
    REQUIRE(x.parent().labels() == (a.empty() ? Labels{} : Labels(a.begin() + 1, a.end())));
    const std::size_t keep = draw.next() % 6;
    REQUIRE(x.first_labels(keep).labels() ==
            (keep >= a.size() ? a : Labels(a.end() - static_cast<std::ptrdiff_t>(keep), a.end())));
    Labels lower = a;
    for (auto& label : lower)
      for (auto& c : label) c = fold(c);
    REQUIRE(x.lowercase().labels() == lower);
    REQUIRE(x.lowercase() == x);
    const auto prepended = x.prepend("Www");
    REQUIRE(prepended.ok());
    REQUIRE(prepended.value().labels().front() == "Www");
    REQUIRE(prepended.value().parent().wire_labels() == x.wire_labels());
    REQUIRE(Name::from_text(x.to_text()).value().labels() == a);  // presentation form round-trips
    REQUIRE(Name::from_wire_labels(wire).value() == x);
  }
}

TEST_CASE("names built from wire form keep RFC 1035's limits", "[dns][name]") {
  CHECK(Name::from_wire_labels("").value().is_root());
  CHECK_FALSE(Name::from_wire_labels(std::string("\0", 1)).ok());       // an empty label
  CHECK_FALSE(Name::from_wire_labels("\x05" "abc").ok());               // runs past the end
  CHECK_FALSE(Name::from_wire_labels("\x40" + std::string(64, 'a')).ok());  // a 64-octet label
  std::string longest;  // 127 labels of one octet: 254 octets plus the root's
  for (int i = 0; i < 127; ++i) longest += "\x01x";
  CHECK(Name::from_wire_labels(longest).value().label_count() == 127);
  CHECK_FALSE(Name::from_wire_labels(longest + "\x01x").ok());  // 257 octets
  CHECK_FALSE(Name().prepend(std::string(64, 'a')).ok());
  CHECK_FALSE(Name::from_wire_labels(longest).value().parent().prepend("xy").ok());  // 256 octets
}

TEST_CASE("names written with compression share suffixes exactly as spelled, and decode back", "[dns][name]") {
  Message message;
  message.header.id = 7;
  message.header.is_response = true;
  message.questions.push_back(Question{Name::literal("Mail.Example.org"), RecordType::MX, RecordClass::IN});
  ResourceRecord mx;
  mx.name = Name::literal("mail.example.org");  // differs in case: its own octets, no pointer back
  mx.type = RecordType::MX;
  mx.ttl = 60;
  mx.data = rdata::MX{10, Name::literal("mx.Example.org")};
  message.answers.push_back(mx);
  const Bytes bytes = encode_message(message);
  const std::string text(bytes.begin(), bytes.end());
  CHECK(text.find("\x04Mail\x07" "Example\x03org") != std::string::npos);
  // "mail.example" is written out (its case differs), then a pointer to the question's "org".
  CHECK(text.find("\x04mail\x07" "example\xc0") != std::string::npos);
  CHECK(text.find("\x02mx\xc0") != std::string::npos);  // "mx", then a pointer to "Example.org"
  CHECK(text.find("\x07" "Example\x03org", text.find("\x04mail")) == std::string::npos);  // mx.Example.org points back
  const auto decoded = decode_message(bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().questions.front().name.wire_labels() == std::string("\x04Mail\x07" "Example\x03org"));
  CHECK(std::get<rdata::MX>(decoded.value().answers.front().data).exchange.to_text() == "mx.Example.org.");
}
