// The `maillab` command as a user runs it: exit codes, the summary line, located errors.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>
#include "maillab/source_dir.h"

namespace {

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr together
};

std::string build_dir() {
  const char* from_harness = std::getenv("MAILLAB_BUILD_DIR");
  return from_harness ? from_harness : MAILLAB_DEFAULT_BUILD_DIR;
}

// Runs maillab with `arguments` (already shell-quoted where needed) from the source directory;
// `wrapper` goes before the program (xvfb-run for the gui benchmark).
Result maillab(const std::string& arguments, const std::string& redirect = "2>&1", const std::string& wrapper = "") {
  std::string command = "cd '" + std::string(MAILLAB_SOURCE_DIR) + "' && " + wrapper + "'" + build_dir() +
                        "/maillab' " + arguments + " " + redirect;
  Result result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string last_line(const std::string& text) {
  std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

std::string temp_prefix() { return "maillab-app-test-" + std::to_string(::getpid()) + "-"; }

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (temp_prefix() + name)).string();
}

// Whatever temp_path named is removed when the test program ends, passed or failed (a ctest run
// had left a spool directory per run in /tmp).
struct TempPathsRemoved {
  ~TempPathsRemoved() {
    std::error_code error;
    const std::string prefix = temp_prefix();
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), error))
      if (entry.path().filename().string().rfind(prefix, 0) == 0) std::filesystem::remove_all(entry.path(), error);
  }
} temp_paths_removed;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("run: a passing scenario exits 0 and ends with the summary line", "[app]") {
  Result r = maillab("run tests/app/fixtures/good.yaml");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(contains(r.output, "== good: Fixture: a transfer that completes =="));
  CHECK(contains(r.output, "note         fixture note"));
  CHECK(contains(r.output, "PASS  tests/app/fixtures/good.yaml:16:6  transfer_complete:"));
  CHECK(last_line(r.output) == "messages: accepted 0, delivered 0, bounced 0, rejected 0, queued 0");
}

TEST_CASE("run: a failing expectation exits 1 and says which", "[app]") {
  Result r = maillab("run tests/app/fixtures/failing.yaml --trace none");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(contains(r.output, "PASS  tests/app/fixtures/failing.yaml:11:6"));
  CHECK(contains(r.output, "FAIL  tests/app/fixtures/failing.yaml:12:6  transfer_complete: {from: a, to: b, bytes: 2000}"));
  CHECK(contains(r.output, "FAILED: tests/app/fixtures/failing.yaml:12:6"));
  CHECK_FALSE(contains(r.output, "hop "));  // --trace none
  CHECK(last_line(r.output).rfind("messages: accepted 0,", 0) == 0);
}

// One command a row: its exit status, what its output must say and what it must not.
struct Command {
  const char* what;
  const char* arguments;
  int status;
  std::vector<std::string> says;
  std::vector<std::string> never_says = {};
};

TEST_CASE("commands exit with their status and say what they must", "[app]") {
  const Command command = GENERATE(values<Command>({
      {"run: bad input exits 2 with file:line:column and runs nothing", "run tests/app/fixtures/bad.yaml", 2,
       {"tests/app/fixtures/bad.yaml:4:15: error: unknown key 'adress' in host (did you mean 'address'?)",
        "tests/app/fixtures/bad.yaml:6:32: error: bad link latency", "nothing was run"},
       {"messages:"}},
      {"check: a bad file exits 2 with every located error", "check tests/app/fixtures/bad.yaml", 2,
       {"tests/app/fixtures/bad.yaml:4:5: error: host has no 'address'",
        "tests/app/fixtures/bad.yaml:4:15: error: unknown key 'adress'",
        "tests/app/fixtures/bad.yaml:6:32: error: bad link latency", "3 errors"}},
      {"check: a missing file exits 2", "check no/such/file.yaml", 2, {"no/such/file.yaml: error: cannot open the file"}},
      {"list shows the built-in scenarios with their titles", "list", 0,
       {"scenarios/intro.yaml", "scenarios/lossy-link-tcp.yaml", "TCP over a lossy radio link", "lessons",
        "exercises/missing-mx.yaml",
        "Mail for example.org bounces"}},  // read past its {{variables}}
      {"bench hold prints its figures", "bench hold --pending 100 --events 20000", 0,
       {"hold: pending=100 events=20000", "increments=uniform"}},
      // ns-3's workload (bench/ns3/): exponential increments of the same mean.
      {"bench hold with ns-3's increments", "bench hold --pending 100 --events 20000 --increments exponential", 0,
       {"hold: pending=100 events=20000", "increments=exponential"}},
      {"bench hold: unknown increments exit 2", "bench hold --increments poisson", 2,
       {"maillab bench: bad --increments 'poisson'; expected uniform or exponential"}},
      {"bench hold: a bad number exits 2", "bench hold --pending 0", 2, {}},
      {"bench: an unknown benchmark exits 2", "bench fold", 2, {}},
  }));
  Result r = maillab(command.arguments);
  INFO(command.what);
  INFO(r.output);
  CHECK(r.status == command.status);
  for (const auto& part : command.says) CHECK(contains(r.output, part));
  for (const auto& part : command.never_says) CHECK_FALSE(contains(r.output, part));
}

TEST_CASE("check: valid files exit 0 and say ok", "[app]") {
  Result good = maillab("check tests/app/fixtures/good.yaml scenarios/intro.yaml");
  INFO(good.output);
  CHECK(good.status == 0);
  CHECK(contains(good.output, "tests/app/fixtures/good.yaml: ok ("));
}

TEST_CASE("run: --seed, --until (durations too) and the trace formats", "[app]") {
  Result a = maillab("run tests/app/fixtures/good.yaml --trace jsonl --seed 5", "2>/dev/null");
  Result b = maillab("run tests/app/fixtures/good.yaml --trace=jsonl --seed=5", "2>/dev/null");
  Result c = maillab("run tests/app/fixtures/good.yaml --trace jsonl --seed 6", "2>/dev/null");
  CHECK(a.status == 0);
  CHECK(a.output == b.output);
  CHECK(a.output != c.output);
  CHECK(contains(a.output, "{\"t\":"));
  CHECK(contains(a.output, "\"kind\":\"hop\""));

  Result short_run = maillab("run tests/app/fixtures/good.yaml --until 500ms");
  INFO(short_run.output);
  CHECK(short_run.status == 1);  // the transfer starts at 1 s: it cannot have completed
  CHECK(contains(short_run.output, "ran to 0.500000s"));
  CHECK(maillab("run tests/app/fixtures/good.yaml --until 90 --trace none").status == 0);
}

TEST_CASE("run: the text trace hides pure ACK hops unless --verbose, JSONL keeps every record", "[app]") {
  std::string text_file = temp_path("trace.txt"), jsonl_file = temp_path("trace.jsonl"), pcap_file = temp_path("trace.pcap");
  Result plain = maillab("run tests/app/fixtures/good.yaml --out " + text_file);
  std::string plain_text = read(text_file);
  Result verbose = maillab("run tests/app/fixtures/good.yaml --verbose --out " + text_file);
  std::string verbose_text = read(text_file);
  Result jsonl = maillab("run tests/app/fixtures/good.yaml --trace jsonl --out " + jsonl_file + " --pcap " + pcap_file);
  std::string jsonl_text = read(jsonl_file);
  CHECK(plain.status == 0);
  CHECK(verbose.status == 0);
  CHECK(jsonl.status == 0);
  // The results and summary still go to standard output.
  CHECK(last_line(plain.output).rfind("messages: ", 0) == 0);
  CHECK_FALSE(contains(plain.output, " hop "));
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  CHECK(lines(verbose_text) > lines(plain_text) + 10);
  CHECK(contains(verbose_text, "  ACK"));
  // Every record: more lines than even the verbose text (which has a header but no ACK-free
  // filtering), and the pcap has its magic number.
  CHECK(lines(jsonl_text) + 5 >= lines(verbose_text));
  CHECK(read(pcap_file).substr(0, 4) == std::string("\xd4\xc3\xb2\xa1", 4));
  std::filesystem::remove(text_file);
  std::filesystem::remove(jsonl_file);
  std::filesystem::remove(pcap_file);
}

TEST_CASE("usage errors exit 2 with a clear message", "[app]") {
  Result unknown = maillab("frobnicate");
  CHECK(unknown.status == 2);
  CHECK(contains(unknown.output, "unknown command 'frobnicate'"));
  Result typo = maillab("rnu x.yaml");
  CHECK(contains(typo.output, "did you mean 'run'?"));
  Result flag = maillab("run tests/app/fixtures/good.yaml --seeed 3");
  CHECK(flag.status == 2);
  CHECK(contains(flag.output, "unknown option '--seeed' (did you mean '--seed'?)"));
  CHECK(maillab("run tests/app/fixtures/good.yaml --trace html").status == 2);
  CHECK(maillab("run tests/app/fixtures/good.yaml --until soon").status == 2);
  CHECK(maillab("run tests/app/fixtures/good.yaml --seed -1").status == 2);
  CHECK(maillab("run").status == 2);
  CHECK(maillab("").status == 2);
  CHECK(maillab("run tests/app/fixtures/good.yaml --out /nonexistent/dir/x.txt").status == 2);
}

TEST_CASE("every command refuses a bad --seed the same way, located by its name, exit 2", "[app][arguments]") {
  // run, bridge and bench parse in app/, lesson in lessons/ and gui in viz/: one reader (read_seed).
  for (const std::string command : {"run tests/app/fixtures/good.yaml", "bridge tests/app/fixtures/good.yaml",
                                    "bench hold", "bench mail", "lesson lessons/01-dns-lookup.yaml", "gui"}) {
    Result result = maillab(command + " --seed soon");
    INFO(command);
    CHECK(result.status == 2);
    const std::string name = command.substr(0, command.find(' '));
    CHECK(contains(result.output, "maillab " + name + ": bad --seed 'soon'; expected a whole number >= 0"));
  }
}

TEST_CASE("each command's flags are read and refused by the shared readers", "[app][arguments]") {
  struct Case {
    const char* arguments;
    const char* error;
  };
  for (const Case& c :
       {Case{"run tests/app/fixtures/good.yaml --until 0", "maillab run: bad --until '0': must be above 0; expected a duration"},
        Case{"bridge tests/app/fixtures/good.yaml --for soon", "maillab bridge: bad --for 'soon': "},
        Case{"bridge tests/app/fixtures/good.yaml --max-connections 0",
             "maillab bridge: bad --max-connections '0'; expected a whole number from 1 to 1000000"},
        Case{"bridge tests/app/fixtures/good.yaml --base-port 70000",
             "maillab bridge: bad --base-port '70000'; expected a whole number from 0 to 65535"},
        Case{"bridge tests/app/fixtures/good.yaml --speed 0", "maillab bridge: bad --speed '0'; expected a number from 0.01 to 1000"},
        Case{"bench hold --pending 0", "maillab bench: bad --pending '0'; expected a whole number from 1 to 100000000"},
        Case{"bench mail --rate 0", "maillab bench: bad --rate '0'; expected messages per simulated second"},
        Case{"bench transfer --bytes 0", "maillab bench: bad --bytes '0'; expected a whole number from 1 to 1000000000"},
        Case{"bench scrub --checkpoints 65", "maillab bench: bad --checkpoints '65'; expected a whole number from 0 to 64"},
        Case{"gui --back -1", "maillab gui: bad --back '-1'; expected a whole number from 0 to 10000"},
        Case{"lesson lessons/01-dns-lookup.yaml --seed 1 --seed 2", "maillab lesson: --seed given twice"},
        Case{"lesson lessons/01-dns-lookup.yaml --answer x", "maillab lesson: unknown option '--answer' (did you mean '--answers'?)"},
        Case{"gui --frames 0", "maillab gui: bad --frames '0'; expected a whole number from 1 to 1000000"},
        Case{"gui --speed fast", "maillab gui: bad --speed 'fast'; expected a number from 0.01 to 1000"},
        Case{"gui --at=-1", "maillab gui: bad --at '-1'; expected a time in seconds (>= 0)"},
        Case{"gui --lesson-steps 10001", "maillab gui: bad --lesson-steps '10001'; expected a whole number from 0 to 10000"},
        Case{"gui --seeed 3", "maillab gui: unknown option '--seeed' (did you mean '--seed'?)"}}) {
    Result result = maillab(c.arguments);
    INFO(c.arguments << "\n" << result.output);
    CHECK(result.status == 2);
    CHECK(contains(result.output, c.error));
  }
}

TEST_CASE("help for the program and for each command", "[app]") {
  Result help = maillab("--help");
  CHECK(help.status == 0);
  // Each command on its own line, its name set apart from its summary (the longest name too).
  for (const char* name : {"run", "check", "list", "lesson", "gui", "bridge", "bench", "exercise", "grade"})
    CHECK(contains(help.output, "\n  " + std::string(name) + "  "));
  Result run_help = maillab("run --help");
  CHECK(run_help.status == 0);
  CHECK(contains(run_help.output, "--trace FORMAT"));
  CHECK(maillab("help check").status == 0);
}

TEST_CASE("a class: exercise start and check per student, lessons with --result, one gradebook", "[app][gradebook]") {
  const std::string folder = temp_path("class");
  std::filesystem::create_directories(folder);
  for (const std::string student : {"ann", "ben"}) {
    Result started = maillab("exercise start exercises/open-relay.yaml --student " + student + " --out " + folder + "/" + student + ".yaml");
    INFO(started.output);
    REQUIRE(started.status == 0);
    Result checked = maillab("exercise check " + folder + "/" + student + ".yaml --result " + folder + "/" + student + "-ex.json");
    INFO(checked.output);
    CHECK(checked.status == 1);  // broken as handed out
    CHECK(contains(checked.output, "% complete"));
  }
  // ann also does a lesson, answering from the teacher's key for her variant.
  Result key = maillab("lesson lessons/02-smtp-journey.yaml --student ann --key", "2>/dev/null > " + folder + "/key.txt");
  REQUIRE(key.status == 0);
  Result lesson = maillab("lesson lessons/02-smtp-journey.yaml --student ann --answers " + folder + "/key.txt --result " + folder + "/ann-02.json");
  INFO(lesson.output);
  CHECK(lesson.status == 0);
  Result grade = maillab("grade " + folder + "/ann-ex.json " + folder + "/ben-ex.json " + folder + "/ann-02.json --out " + folder +
                         "/book.csv --summary " + folder + "/summary.txt");
  INFO(grade.output);
  CHECK(grade.status == 0);
  const std::string csv = read(folder + "/book.csv");
  INFO(csv);
  CHECK(csv.rfind("student,open-relay:stranger-refused,open-relay:partner-mail,open-relay:alice-sends-out,open-relay:percent,"
                  "02-smtp-journey:s1.predict,", 0) == 0);
  CHECK(contains(csv, "\r\nann,0,1,1,66.67,1,"));
  CHECK(contains(csv, ",100\r\n"));  // ann's lesson: full marks
  CHECK(contains(csv, "\r\nben,0,1,1,66.67,,"));
  CHECK(contains(read(folder + "/summary.txt"), "open-relay:stranger-refused: 0/2 right (0%)"));
  // Not a result file: refused, nothing written.
  Result bad = maillab("grade " + folder + "/key.txt");
  CHECK(bad.status == 2);
  CHECK(contains(bad.output, "key.txt:"));
  std::filesystem::remove_all(folder);
}

TEST_CASE("bench scrub jumps back from parked scenes and from zero, and says which", "[app][scrub]") {
  // A small world: this checks what the benchmark reports, not how fast (DESIGN.md).
  Result r = maillab("bench scrub --domains 5 --messages 30 --checkpoints 2 --spacing 64", "2>&1");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(contains(r.output, "\nparked_scenes=2\n"));
  CHECK(contains(r.output, "\nrss_per_parked_scene_mb="));
  // A step back at the end runs from the nearest parked scene; before checkpoints, from zero.
  const auto line = [&](const std::string& name) {
    const std::size_t at = r.output.find("\n" + name + "=");
    return at == std::string::npos ? std::string() : r.output.substr(at + 1, r.output.find('\n', at + 1) - at - 1);
  };
  REQUIRE_FALSE(line("step_back_at_end_events").empty());
  CHECK_FALSE(contains(line("step_back_at_end_events"), "from event 0:"));
  CHECK(contains(line("from_zero_step_back_at_end_events"), "from event 0:"));
}

TEST_CASE("bench gui prints frame-time percentiles and saves the measured frame", "[app]") {
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
    WARN("xvfb-run is not installed: bench gui skipped");
    return;
  }
  const std::string png = temp_path("bench-gui.png");
  std::remove(png.c_str());
  // Few frames: this checks that the benchmark runs and reports, not how fast (DESIGN.md).
  Result r = maillab("bench gui --frames 3 --packets 200 --screenshot '" + png + "'", "2>&1", "xvfb-run -a -s \"-screen 0 1280x800x24\" ");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(contains(r.output, "gui frame time: p50 "));
  CHECK(contains(r.output, "packets in flight on average"));
  const std::string bytes = read(png);
  REQUIRE(bytes.size() > 24);
  CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(bytes.substr(16, 4) == std::string("\0\0\x05\x00", 4));  // IHDR width 1280
  CHECK(maillab("bench gui --frames 0").status == 2);
}

TEST_CASE("out of memory exits 3 and says so, 2 stays bad input", "[app][limits]") {
#if defined(__SANITIZE_ADDRESS__)
  WARN("AddressSanitizer reserves terabytes of address space: a ulimit -v test cannot run under it");
  return;
#endif
  // The same transfer at 1 MB fits in 200 MB of address space; at 100 MB it cannot (the sender's
  // bytes and its send queue alone need 200 MB).
  auto scenario = [](const std::string& bytes) {
    const std::string path = temp_path("transfer-" + bytes + ".yaml");
    std::ofstream(path) << "hosts:\n  - {name: a, address: 10.0.0.1}\n  - {name: b, address: 10.0.0.2}\n"
                           "links:\n  - {between: [a, b], latency: 1ms, bandwidth: 1Gbps}\n"
                           "until: 600s\nevents:\n  - {at: 1s, transfer: {from: a, to: b, bytes: " +
                               bytes + "}}\n";
    return path;
  };
  const std::string small = scenario("1000000"), large = scenario("100000000");
  const std::string limited = "ulimit -v 200000 && ";
  Result fits = maillab("run '" + small + "' --trace none", "2>&1", limited);
  INFO(fits.output);
  CHECK(fits.status == 0);
  Result ran_out = maillab("run '" + large + "' --trace none", "2>&1", limited);
  INFO(ran_out.output);
  CHECK(ran_out.status == 3);
  CHECK(contains(ran_out.output, "maillab run: out of memory: "));
  CHECK_FALSE(contains(ran_out.output, "internal error"));
  CHECK(contains(maillab("--help").output, "3 out of memory (or over 16.7 million pending events), 4 internal error"));
  std::remove(small.c_str());
  std::remove(large.c_str());
}

TEST_CASE("run: delivered mail spooled to disk (the default) or kept in memory, the same run", "[app][spool]") {
  const std::string scenario = GENERATE(as<std::string>{}, "busy-morning", "pop3-two-devices");
  INFO(scenario);
  const std::string spooled_trace = temp_path("spooled.jsonl"), memory_trace = temp_path("memory.jsonl");
  Result spooled = maillab("run scenarios/" + scenario + ".yaml --trace jsonl --out " + spooled_trace);
  Result memory =
      maillab("run scenarios/" + scenario + ".yaml --trace jsonl --mailboxes-in-memory --out " + memory_trace);
  INFO(spooled.output);
  CHECK(spooled.status == 0);
  CHECK(memory.status == 0);
  CHECK(spooled.output == memory.output);  // every verdict, its detail and the summary line
  const std::string trace = read(spooled_trace);
  CHECK(trace.size() > 1000);
  CHECK(trace == read(memory_trace));
  std::filesystem::remove(spooled_trace);
  std::filesystem::remove(memory_trace);
}

TEST_CASE("run: --stats says where the mail went, --spool-dir leaves nothing behind", "[app][spool]") {
  Result spooled = maillab("run scenarios/busy-morning.yaml --trace none --stats");
  INFO(spooled.output);
  CHECK(spooled.status == 0);
  CHECK(contains(spooled.output, "\nmailboxes=spool\nspool_messages="));
  CHECK_FALSE(contains(spooled.output, "spool_messages=0\n"));
  CHECK(contains(spooled.output, "\npeak_rss_mb="));
  CHECK(contains(spooled.output, "\nbytes_per_message="));
  CHECK(contains(spooled.output, "\nunaccounted=0"));
  Result memory = maillab("run scenarios/busy-morning.yaml --trace none --stats --mailboxes-in-memory");
  CHECK(memory.status == 0);
  CHECK(contains(memory.output, "\nmailboxes=memory\n"));
  CHECK_FALSE(contains(memory.output, "spool_messages="));

  const std::string directory = temp_path("spool-dir");
  std::filesystem::create_directory(directory);
  Result placed = maillab("run scenarios/busy-morning.yaml --trace none --stats --spool-dir " + directory);
  CHECK(placed.status == 0);
  CHECK(contains(placed.output, "\nmailboxes=spool\n"));
  CHECK(std::filesystem::is_empty(directory));  // the spool file is unlinked as soon as it is made
  std::filesystem::remove(directory);

  // No spool can be made where none was asked for: said, and the mail stays in memory.
  Result fallback = maillab("run scenarios/busy-morning.yaml --trace none --stats", "2>&1", "TMPDIR=/nonexistent/dir ");
  CHECK(fallback.status == 0);
  CHECK(contains(fallback.output, "maillab run: warning: mail spool: cannot make a directory in /nonexistent/dir"));
  CHECK(contains(fallback.output, "\nmailboxes=memory\n"));
}

TEST_CASE("run: a bad --spool-dir or --mailboxes-in-memory exits 2 and runs nothing", "[app][spool]") {
  struct Bad {
    const char* flags;
    const char* says;
  };
  const Bad bad = GENERATE(values<Bad>({
      {"--spool-dir /nonexistent/dir", "maillab run: bad --spool-dir '/nonexistent/dir': mail spool: cannot make a "
                                       "directory in /nonexistent/dir: No such file or directory"},
      {"--spool-dir ''", "maillab run: bad --spool-dir ''; expected a directory"},
      {"--spool-dir", "maillab run: option '--spool-dir' needs a value"},
      {"--spool-dir /tmp --mailboxes-in-memory", "maillab run: --spool-dir and --mailboxes-in-memory exclude each other"},
      {"--mailboxes-in-memory=yes", "maillab run: option '--mailboxes-in-memory' takes no value"},
  }));
  INFO(bad.flags);
  Result r = maillab("run scenarios/busy-morning.yaml " + std::string(bad.flags));
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK(contains(r.output, bad.says));
  CHECK_FALSE(contains(r.output, "results ("));
}
