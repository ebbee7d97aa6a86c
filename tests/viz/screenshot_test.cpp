// Screenshot tests: run the visualizer headless under Xvfb, then look at pixels where they mean
// something (a downed link's colour at its midpoint, a packet's colour where the model says it
// is). The visualizer writes the screen positions it drew (--geometry) so the tests do not
// depend on the layout; the colours come from viz/model/style.h.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <SFML/Graphics/Image.hpp>

#include "viz/model/flights.h"
#include "viz/model/geometry.h"
#include "viz/model/style.h"
#include "viz/model/synthetic_scene.h"

using namespace maillab;

namespace {

struct DrawnPacket {
  std::size_t record = 0;
  std::string protocol;
  viz::Point at;
};

struct Geometry {
  viz::Rect viewport;  // the canvas's part of the window
  std::map<std::string, viz::Point> nodes;
  std::map<std::size_t, std::pair<viz::Point, bool>> links;  // id -> (midpoint, up)
  std::vector<DrawnPacket> packets;
  std::vector<DrawnPacket> drops;
  std::vector<DrawnPacket> padlocks;  // protocol holds "open" or "closed"
  std::vector<DrawnPacket> badges;    // queue badges: protocol holds the host, record the count
};

Geometry read_geometry(const std::string& path) {
  Geometry geometry;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string what;
    words >> what;
    if (what == "viewport") {
      words >> geometry.viewport.x >> geometry.viewport.y >> geometry.viewport.width >> geometry.viewport.height;
    } else if (what == "node") {
      std::string name;
      viz::Point p;
      words >> name >> p.x >> p.y;
      geometry.nodes[name] = p;
    } else if (what == "link") {
      std::size_t id;
      viz::Point p;
      std::string state;
      words >> id >> p.x >> p.y >> state;
      geometry.links[id] = {p, state == "up"};
    } else if (what == "packet") {
      DrawnPacket packet;
      words >> packet.record >> packet.protocol >> packet.at.x >> packet.at.y;
      geometry.packets.push_back(packet);
    } else if (what == "padlock") {
      DrawnPacket padlock;
      words >> padlock.record >> padlock.protocol >> padlock.at.x >> padlock.at.y;
      geometry.padlocks.push_back(padlock);
    } else if (what == "queued") {
      DrawnPacket badge;
      words >> badge.protocol >> badge.record >> badge.at.x >> badge.at.y;
      geometry.badges.push_back(badge);
    } else if (what == "drop") {
      DrawnPacket drop;
      words >> drop.record >> drop.at.x >> drop.at.y;
      geometry.drops.push_back(drop);
    }
  }
  return geometry;
}

bool xvfb_available() { return std::system("command -v xvfb-run >/dev/null 2>&1") == 0; }

std::filesystem::path scratch_directory() {
  auto dir = std::filesystem::temp_directory_path() / ("maillab_viz_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs the dev binary under Xvfb; returns its exit status.
int run_gui(const std::string& arguments) {
  const std::string log = (scratch_directory() / "gui.log").string();
  const std::string command = "xvfb-run -a -s \"-screen 0 1280x800x24\" " + std::string(MAILLAB_VIZ_DEV_BINARY) +
                              " " + arguments + " >" + log + " 2>&1";
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    UNSCOPED_INFO("gui output: " << text.str());
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Shot {
  sf::Image image;
  Geometry geometry;
};

Shot screenshot(const std::string& name, const std::string& arguments) {
  const auto dir = scratch_directory();
  const std::string png = (dir / (name + ".png")).string();
  const std::string geometry = (dir / (name + ".geometry")).string();
  std::filesystem::remove(png);
  REQUIRE(run_gui(arguments + " --screenshot " + png + " --geometry " + geometry) == 0);
  Shot shot;
  REQUIRE(shot.image.loadFromFile(png));
  shot.geometry = read_geometry(geometry);
  return shot;
}

bool close_to(sf::Color pixel, viz::Rgba want, int tolerance) {
  return std::abs(int(pixel.r) - int(want.r)) <= tolerance && std::abs(int(pixel.g) - int(want.g)) <= tolerance &&
         std::abs(int(pixel.b) - int(want.b)) <= tolerance;
}

// Is a pixel of `want` within `radius` of `at`?
bool colour_near(const sf::Image& image, viz::Point at, viz::Rgba want, int radius, int tolerance = 24) {
  const auto size = image.getSize();
  for (int dy = -radius; dy <= radius; ++dy) {
    for (int dx = -radius; dx <= radius; ++dx) {
      const int x = int(std::lround(at.x)) + dx, y = int(std::lround(at.y)) + dy;
      if (x < 0 || y < 0 || x >= int(size.x) || y >= int(size.y)) continue;
      if (close_to(image.getPixel(unsigned(x), unsigned(y)), want, tolerance)) return true;
    }
  }
  return false;
}

constexpr std::size_t bob_link = 10;  // the demo's core-router <-> bob-phone link

}  // namespace

TEST_CASE("a downed link is drawn in the link-down colour at its midpoint", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  const Shot down = screenshot("link_down", "--at 1.6");  // the demo takes bob's link down at 1.5 s
  REQUIRE(down.geometry.links.count(bob_link));
  const auto [middle, up] = down.geometry.links.at(bob_link);
  CHECK_FALSE(up);
  CHECK(colour_near(down.image, middle, viz::link_down_color, 1));

  const Shot before = screenshot("link_up", "--at 1.0");
  const auto [middle_before, up_before] = before.geometry.links.at(bob_link);
  CHECK(up_before);
  CHECK(colour_near(before.image, middle_before, viz::link_up_color, 1));
  CHECK_FALSE(colour_near(before.image, middle_before, viz::link_down_color, 2));
}

TEST_CASE("a packet in flight is drawn in its protocol colour where the model puts it", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  // Where should it be? Run the same demo in-process to 0.325 s: the root query is on its way.
  const engine::Time at = engine::milliseconds(325);
  auto scene = viz::make_demo_scene(1);
  scene->simulator().run_until(at);
  viz::FlightIndex flights;
  flights.sync(scene->simulator().trace().records());
  std::vector<viz::Flight> in_flight;
  flights.in_flight(at, in_flight);
  REQUIRE(in_flight.size() == 1);
  const auto& hop = scene->simulator().trace().records()[in_flight[0].record];
  CHECK(hop.protocol == "DNS");
  CHECK(hop.peer == "a.root-servers.net");
  CHECK(in_flight[0].progress == Approx(0.5));

  const Shot shot = screenshot("packet", "--at 0.325");
  const viz::Point expected = viz::lerp(shot.geometry.nodes.at(hop.node), shot.geometry.nodes.at(hop.peer),
                                        in_flight[0].progress);
  REQUIRE(shot.geometry.packets.size() == 1);
  CHECK(viz::distance(shot.geometry.packets[0].at, expected) < 8);  // beside the line, in its lane
  const viz::Rgba dns = viz::category_color(viz::PacketCategory::dns);
  CHECK(colour_near(shot.image, expected, dns, 7));
  // Opaque and 1:1: the packet's middle is exactly its colour, inside a dark rim.
  const viz::Point drawn = shot.geometry.packets[0].at;
  CHECK(colour_near(shot.image, drawn, dns, 1, 0));
  const viz::Rgba rim{10, 10, 14};
  CHECK(colour_near(shot.image, drawn + viz::Point{-7, 0}, rim, 1, 12));
  CHECK(colour_near(shot.image, drawn + viz::Point{7, 0}, rim, 1, 12));
  // And nowhere near the start of the link (it is not drawn at the sender).
  CHECK_FALSE(colour_near(shot.image, shot.geometry.nodes.at(hop.node), dns, 4));
}

TEST_CASE("the canvas paints its own background and the docked panels show the panel colour", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  // The panels draw no background of their own (the window's clear colour is theirs), so the
  // canvas must paint its rectangle or it would take the panels' colour.
  const Shot shot = screenshot("backgrounds", "--at 0.1");
  const viz::Rect& canvas = shot.geometry.viewport;
  REQUIRE(canvas.width > 100);
  const viz::Point canvas_corner{canvas.x + 4, canvas.y + 4};
  CHECK(colour_near(shot.image, canvas_corner, viz::background_color, 0, 0));
  // Right of the canvas is the inspector panel, below its title bar.
  const viz::Point inspector{canvas.x + canvas.width + 40, canvas.y + 200};
  REQUIRE(inspector.x < shot.image.getSize().x);
  CHECK(colour_near(shot.image, inspector, viz::panel_background_color, 0, 0));
}

TEST_CASE("a lost packet is marked with a red cross on the link where it was lost", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  auto scene = viz::make_demo_scene(1);
  scene->simulator().run_until(engine::seconds(2));
  const auto& records = scene->simulator().trace().records();
  const engine::TraceRecord* lost = nullptr;
  const engine::TraceRecord* lost_hop = nullptr;
  for (const auto& r : records) {
    if (r.kind == engine::TraceKind::drop && r.protocol == "TCP") lost = &r;
  }
  REQUIRE(lost);
  for (const auto& r : records) {
    if (r.kind == engine::TraceKind::hop && r.packet == lost->packet && r.node == lost->node) lost_hop = &r;
  }
  REQUIRE(lost_hop);
  // Just after it falls (the packet flies to mid-link first).
  const engine::Time when = lost_hop->time + (lost_hop->arrive - lost_hop->time) * 6 / 10;
  const Shot shot = screenshot("drop", "--at " + engine::format_seconds(when));
  REQUIRE(shot.geometry.drops.size() == 1);
  const viz::Point middle =
      viz::lerp(shot.geometry.nodes.at(lost_hop->node), shot.geometry.nodes.at(lost_hop->peer), 0.5);
  CHECK(viz::distance(shot.geometry.drops[0].at, middle) < 8);
  CHECK(colour_near(shot.image, shot.geometry.drops[0].at, viz::drop_color, 3));
  CHECK(shot.geometry.packets.empty());  // it no longer flies
}

TEST_CASE("a loaded scenario's downed link shows too, and large fonts render", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  const std::string scenario = "scenarios/intro.yaml";  // tests run from the repository top
  if (!std::filesystem::exists(scenario)) {
    WARN("scenarios/intro.yaml is missing: scenario screenshot skipped");
    return;
  }
  // intro.yaml takes the isp <-> east link down at 5 s.
  const Shot shot = screenshot("intro", scenario + " --at 5.2 --large-fonts");
  CHECK(shot.image.getSize().x == 1280);
  CHECK(shot.image.getSize().y == 800);
  bool found = false;
  for (const auto& [id, link] : shot.geometry.links) {
    if (!link.second) {
      found = true;
      CHECK(colour_near(shot.image, link.first, viz::link_down_color, 1));
    }
  }
  CHECK(found);
}

TEST_CASE("bad input gives exit status 2 and no window", "[viz][screenshot]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: test skipped");
    return;
  }
  CHECK(run_gui("/no/such/scenario.yaml --screenshot /tmp/never.png") == 2);
  CHECK(run_gui("--frames many") == 2);
  CHECK(run_gui("--bogus") == 2);
  const std::string broken = (scratch_directory() / "broken.yaml").string();
  std::ofstream(broken) << "hosts: [ {name: a, address: not-an-address} ]\n";
  CHECK(run_gui(broken + " --screenshot /tmp/never.png") == 2);
}

TEST_CASE("TLS packets carry a shut gold padlock, POP3 in the clear an open red one", "[viz][screenshot][tls]") {
  if (!xvfb_available()) {
    WARN("xvfb-run is not installed: screenshot test skipped");
    return;
  }
  const std::string scenario = "scenarios/pop3-two-devices.yaml";  // tests run from the repository top
  if (!std::filesystem::exists(scenario)) {
    WARN(scenario << " is missing: scenario screenshot skipped");
    return;
  }
  // At 1.113 s alice's ClientHello crosses (TLS); at 3.06 s bob's laptop's CAPA, before its STLS,
  // crosses in the clear.
  const Shot tls = screenshot("tls-padlock", scenario + " --at 1.113");
  const Shot plain = screenshot("plain-padlock", scenario + " --at 3.06");
  auto check = [](const Shot& shot, const std::string& kind, viz::Rgba colour) {
    bool found = false;
    for (const auto& padlock : shot.geometry.padlocks) {
      if (padlock.protocol != kind) continue;
      found = true;
      CHECK(colour_near(shot.image, padlock.at, colour, 6, 10));
      // It rides on a packet that flies.
      bool on_packet = false;
      for (const auto& packet : shot.geometry.packets) on_packet = on_packet || packet.record == padlock.record;
      CHECK(on_packet);
    }
    return found;
  };
  CHECK(check(tls, "closed", viz::padlock_closed_color));
  CHECK(check(plain, "open", viz::padlock_open_color));
  for (const auto& padlock : plain.geometry.padlocks) CHECK(padlock.protocol == "open");
}

TEST_CASE("screenshot: an MTA holding queued mail wears a badge with the count, gone once delivered",
          "[viz][screenshot][queue]") {
  if (!xvfb_available()) {
    WARN("xvfb-run not installed; screenshot test skipped");
    return;
  }
  // smtp-retry: mx.example.org is down until 1000 s; alice's message waits in mail.example.com's
  // queue and is delivered by the retry at about 2146 s.
  const Shot waiting = screenshot("queue_waiting", "scenarios/smtp-retry.yaml --at 500");
  REQUIRE(waiting.geometry.badges.size() == 1);
  const auto& badge = waiting.geometry.badges.front();
  CHECK(badge.protocol == "mail.example.com");
  CHECK(badge.record == 1);
  // The badge sits at the host's top-right, in the queue colour.
  const viz::Point host = waiting.geometry.nodes.at("mail.example.com");
  CHECK(badge.at.x > host.x);
  CHECK(badge.at.y < host.y);
  CHECK(colour_near(waiting.image, badge.at + viz::Point{0, 9}, viz::queue_badge_color, 3, 12));
  CHECK_FALSE(colour_near(waiting.image, host + viz::Point{-30, 30}, viz::queue_badge_color, 3, 12));

  const Shot delivered = screenshot("queue_delivered", "scenarios/smtp-retry.yaml --at 2300");
  CHECK(delivered.geometry.badges.empty());
  CHECK_FALSE(colour_near(delivered.image, badge.at + viz::Point{0, 9}, viz::queue_badge_color, 3, 12));
}
