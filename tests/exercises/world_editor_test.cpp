// The edit model: repairs made through fields (no text editor), saved as valid YAML, reloaded and
// graded again; the header and its comments survive a save.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exercises/exercise.h"
#include "exercises/exercise_command.h"
#include "exercises/world_editor.h"
#include "maillab/source_dir.h"

using namespace maillab;
using namespace maillab::exercises;

namespace {

const std::string source = MAILLAB_SOURCE_DIR;

struct Work {
  std::filesystem::path folder;
  std::string path;
  explicit Work(const std::string& exercise) {
    folder = std::filesystem::temp_directory_path() /
             ("maillab-editor-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(folder);
    path = (folder / "work.yaml").string();
    StartOptions options{source + "/exercises/" + exercise + ".yaml", "teacher", path, false};
    std::ostringstream out, err;
    REQUIRE(start_exercise(options, out, err) == 0);
  }
  ~Work() {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
  }
  int check(std::string& output) const {
    CheckOptions options;
    options.work_path = path;
    std::ostringstream out, err;
    const int status = check_work(options, out, err);
    output = out.str() + err.str();
    return status;
  }
  WorldEditor editor() const {
    scenarios::Diagnostics diagnostics;
    auto opened = WorldEditor::open(path, diagnostics);
    INFO(diagnostics.to_string());
    REQUIRE(opened);
    return std::move(*opened);
  }
};

}  // namespace

TEST_CASE("edit mode model: add a DNS record, save, reload, re-run: the goals are met", "[exercises][editor]") {
  Work work("missing-mx");
  WorldEditor editor = work.editor();
  const auto zone = editor.find(EditableField::Kind::zone_records, "ns1.example.org: zone example.org");
  REQUIRE(zone);
  scenarios::Diagnostics diagnostics;
  auto exercise = load_exercise(source + "/exercises/missing-mx.yaml", "teacher", diagnostics);
  REQUIRE(exercise);
  const auto& values = exercise->variables;
  const std::string mx = "@ " + values.at("ttl") + " IN MX " + values.at("pref") + " " + values.at("mx_host");
  std::string error;
  REQUIRE(editor.set(*zone, editor.fields()[*zone].value + "\n" + mx, error));
  REQUIRE(editor.save(error));
  const std::string saved = editor.text();
  CHECK(saved.rfind("# maillab exercise missing-mx: ", 0) == 0);  // the header comments kept
  CHECK(saved.find("exercise: {id: missing-mx, version: 1, student: \"teacher\"") != std::string::npos);
  std::string output;
  CHECK(work.check(output) == 0);
  INFO(output);
  CHECK(output.find("100% complete") != std::string::npos);
  // Reloaded from the saved file, the field shows the record.
  WorldEditor reloaded = work.editor();
  CHECK(reloaded.fields()[*reloaded.find(EditableField::Kind::zone_records, "zone example.org")].value.find(mx) !=
        std::string::npos);
}

TEST_CASE("edit mode model: relay domains, links and bad values", "[exercises][editor]") {
  Work work("open-relay");
  WorldEditor editor = work.editor();
  const auto relay = editor.find(EditableField::Kind::relay_domains, "mail.example.com");
  REQUIRE(relay);
  CHECK(editor.fields()[*relay].value.rfind("partner.net, ", 0) == 0);
  std::string error;
  REQUIRE(editor.set(*relay, "partner.net", error));
  // Take the stranger's link down: its relay attempt never reaches the server, so it is not
  // refused either, and the goal stays unmet.
  const auto link = editor.find(EditableField::Kind::link_up, "link stranger - core");
  REQUIRE(link);
  CHECK(editor.fields()[*link].value == "true");
  CHECK_FALSE(editor.set(*link, "maybe", error));
  CHECK(error == "a link is up (true) or down (false), not 'maybe'");
  REQUIRE(editor.set(*link, "false", error));
  REQUIRE(editor.save(error));
  std::string output;
  CHECK(work.check(output) == 1);
  INFO(output);
  CHECK(output.find("\u2717 stranger-refused: ") != std::string::npos);
  // Bring it up again: every goal met.
  WorldEditor again = work.editor();
  REQUIRE(again.set(*again.find(EditableField::Kind::link_up, "link stranger - core"), "true", error));
  REQUIRE(again.save(error));
  CHECK(work.check(output) == 0);
  // Values that do not fit are refused and change nothing.
  const auto quota = again.find(EditableField::Kind::quota, "quota of");
  REQUIRE(quota);
  CHECK_FALSE(again.set(*quota, "lots", error));
  CHECK(error == "a quota is a number of bytes (or empty for none), not 'lots'");
  CHECK(again.fields()[*quota].value.empty());
  REQUIRE(again.set(*quota, "2000", error));
  CHECK(again.text().find("quota: 2000") != std::string::npos);
}

TEST_CASE("edit mode model: comments in the scenario block stay beside their lines after a save", "[exercises][editor]") {
  Work work("missing-mx");
  {
    // The student annotated their copy in a text editor first.
    std::ifstream in(work.path);
    std::stringstream text;
    text << in.rdbuf();
    std::string annotated = text.str();
    const auto hosts = annotated.find("\n  hosts:\n");
    REQUIRE(hosts != std::string::npos);
    annotated.insert(hosts + 1, "  # who is who: the laptop, alice's server, the DNS\n");
    const auto until = annotated.find("  until: 30s\n");
    REQUIRE(until != std::string::npos);
    annotated.replace(until, 12, "  until: 30s   # long enough for one retry");
    std::ofstream(work.path, std::ios::trunc) << annotated;
  }
  WorldEditor editor = work.editor();
  std::string error;
  const auto tls = editor.find(EditableField::Kind::outbound_tls, "mail.example.com");
  REQUIRE(tls);
  CHECK(editor.fields()[*tls].value == "may");  // none written: the default
  CHECK_FALSE(editor.set(*tls, "always", error));
  CHECK(error == "outbound TLS is may, encrypt or verify, not 'always'");
  REQUIRE(editor.set(*tls, "encrypt", error));
  REQUIRE(editor.save(error));
  const std::string saved = editor.text();
  INFO(saved);
  CHECK(saved.find("  # who is who: the laptop, alice's server, the DNS\n  hosts:\n") != std::string::npos);
  CHECK(saved.find("  until: 30s  # long enough for one retry\n") != std::string::npos);
  CHECK(saved.find("outbound_tls: encrypt") != std::string::npos);
  // Still a work file that loads, with the new policy in it.
  WorldEditor reloaded = work.editor();
  CHECK(reloaded.fields()[*reloaded.find(EditableField::Kind::outbound_tls, "mail.example.com")].value == "encrypt");
}

TEST_CASE("edit mode model: a hint revealed while the editor is open stays counted after a save", "[exercises][editor]") {
  Work work("missing-mx");
  WorldEditor editor = work.editor();
  std::ostringstream out, err;
  REQUIRE(reveal_hint(work.path, std::nullopt, out, err) == 0);  // in a terminal, meanwhile
  std::string error;
  const auto link = editor.find(EditableField::Kind::link_up, "link home - provider");
  REQUIRE(link);
  REQUIRE(editor.set(*link, "true", error));
  REQUIRE(editor.save(error));
  std::ifstream in(work.path);
  std::stringstream saved;
  saved << in.rdbuf();
  CHECK(saved.str().find("hints: 1}") != std::string::npos);
}
