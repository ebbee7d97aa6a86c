// Runs the openspf RFC 7208 test suite (shipped by Debian's python3-spf) through our evaluator,
// with DNS answered from each scenario's zonedata the way pyspf's testspf.py driver does.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "protocols/auth/domain_name.h"
#include "protocols/auth/spf.h"

namespace {

using namespace maillab::auth;

const char* suite_path = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz";

// gunzip through the gzip program (zlib headers are not installed), then latin-1 → UTF-8.
std::string read_suite() {
  std::FILE* file = std::fopen(suite_path, "rb");
  if (!file) return {};
  std::fclose(file);
  std::string command = std::string("gzip -dc ") + suite_path;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {};
  std::string utf8;
  int c;
  while ((c = std::fgetc(pipe)) != EOF) {
    if (c < 0x80) {
      utf8 += static_cast<char>(c);
    } else {
      utf8 += static_cast<char>(0xc0 | (c >> 6));
      utf8 += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  pclose(pipe);
  return utf8;
}

struct ZoneEntry {
  std::string type;  // "TIMEOUT" for the bare marker
  std::string value;
};

using Zone = std::map<std::string, std::vector<ZoneEntry>>;

std::string text_of(const YAML::Node& node) {
  if (node.IsSequence()) {
    std::string joined;  // RFC 7208 §3.3: strings are concatenated without separators
    for (const auto& piece : node) joined += piece.as<std::string>();
    return joined;
  }
  return node.as<std::string>();
}

// Mirrors testspf.py getrdata(): SPF-type records double as TXT unless the name has TXT ones.
Zone load_zone(const YAML::Node& zonedata) {
  Zone zone;
  for (const auto& item : zonedata) {
    std::string name = to_lower(item.first.as<std::string>());
    std::vector<ZoneEntry> entries, generated;
    bool has_txt = false;
    for (const auto& record : item.second) {
      if (record.IsScalar()) {
        entries.push_back({record.as<std::string>(), ""});
        continue;
      }
      for (const auto& field : record) {
        std::string type = field.first.as<std::string>();
        const YAML::Node& value = field.second;
        std::string text;
        if (type == "MX") text = value[0].as<std::string>() + " " + value[1].as<std::string>();
        else if (type == "TXT" || type == "SPF") text = text_of(value);
        else text = value.as<std::string>();
        if (type == "TXT") has_txt = true;
        if (type == "SPF") {
          generated.push_back({"TXT", text});
          continue;  // we never query type SPF (RFC 7208 §3.1)
        }
        if (type == "TXT" && text == "NONE") continue;
        entries.push_back({type, text});
      }
    }
    if (!has_txt) entries.insert(entries.end(), generated.begin(), generated.end());
    zone[name] = entries;
  }
  return zone;
}

DnsAnswer lookup_zone(const Zone& zone, const DnsQuestion& question, int level = 0) {
  std::string name;
  for (const auto& label : split_labels(question.name)) {
    if (label.empty()) continue;
    if (label.size() > 63) return DnsAnswer::timeout();  // as pydns does
    if (!name.empty()) name += '.';
    name += label;
  }
  name = to_lower(name);
  auto found = zone.find(name);
  if (found == zone.end()) {
    if (name.rfind("error.", 0) == 0) return DnsAnswer::timeout();
    return DnsAnswer::nxdomain();
  }
  std::string wanted = to_string(question.type);
  DnsAnswer answer;
  bool seen = false;
  for (const auto& entry : found->second) {
    if (entry.type == "TIMEOUT") {
      if (!seen) return DnsAnswer::timeout();
      break;
    }
    if (entry.type == wanted) {
      seen = true;
      answer.records.push_back(entry.value);
    } else if (entry.type == "CNAME" && level == 0) {
      DnsAnswer target = lookup_zone(zone, {to_lower(entry.value), question.type}, 1);
      if (target.is_error()) return target;
      for (auto& record : target.records) answer.records.push_back(record);
      seen = true;
    }
  }
  return answer;
}

std::string describe(const std::vector<std::string>& results) {
  std::string text;
  for (const auto& result : results) text += (text.empty() ? "" : "|") + result;
  return text;
}

}  // namespace

TEST_CASE("RFC 7208 test suite (openspf 2014.04) passes with our SPF evaluator", "[auth][spf][rfc7208]") {
  std::string yaml_text = read_suite();
  if (yaml_text.empty()) {
    FAIL(std::string("cannot read ") + suite_path + " — install Debian's python3-spf package");
  }
  std::vector<YAML::Node> documents = YAML::LoadAll(yaml_text);
  REQUIRE(documents.size() > 5);

  int total = 0, passed = 0;
  std::vector<std::string> failures;
  for (const auto& document : documents) {
    Zone zone = load_zone(document["zonedata"]);
    DnsLookupFunction lookup = [&zone](const DnsQuestion& question) { return lookup_zone(zone, question); };
    for (const auto& item : document["tests"]) {
      std::string id = item.first.as<std::string>();
      const YAML::Node& test = item.second;
      SpfRequest request;
      request.client_ip = test["host"].as<std::string>();
      request.mail_from = test["mailfrom"].as<std::string>();
      request.helo = test["helo"].as<std::string>();
      request.default_explanation = "DEFAULT";
      std::vector<std::string> acceptable;
      if (test["result"].IsSequence()) acceptable = test["result"].as<std::vector<std::string>>();
      else acceptable.push_back(test["result"].as<std::string>());

      SpfOutcome outcome = check_host(request, lookup);

      // The same check driven resumably, one question at a time, must agree.
      SpfCheck resumable(request);
      int steps = 0;
      while (!resumable.done() && steps++ < 200) {
        DnsQuestion question = *resumable.pending_question();
        resumable.provide_answer(question, lookup(question));
      }

      ++total;
      std::string result = to_string(outcome.result);
      std::string why;
      if (std::find(acceptable.begin(), acceptable.end(), result) == acceptable.end()) {
        why = "result " + result + ", expected " + describe(acceptable) + " (" + outcome.reason + ")";
      } else if (test["explanation"] && outcome.explanation != test["explanation"].as<std::string>()) {
        why = "explanation '" + outcome.explanation + "', expected '" + test["explanation"].as<std::string>() + "'";
      } else if (!resumable.done() || resumable.outcome().result != outcome.result ||
                 resumable.outcome().explanation != outcome.explanation) {
        why = "resumable driver disagrees with the synchronous one";
      }
      if (why.empty()) ++passed;
      else failures.push_back(id + ": " + why);
    }
  }
  std::cout << "RFC 7208 suite: " << passed << "/" << total << " cases pass\n";
  for (const auto& failure : failures) std::cout << "  FAIL " << failure << "\n";
  CHECK(total >= 200);
  CHECK(failures.empty());
  CHECK(passed == total);
}
