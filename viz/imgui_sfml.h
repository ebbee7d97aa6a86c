// The small adapter that runs Dear ImGui inside an SFML window (there is no ImGui-SFML package on
// Debian; TOOLCHAIN.md, "ImGui on SFML"): SFML events go into ImGuiIO, and ImGui's own OpenGL2
// renderer from libimgui draws between SFML's pushGLStates/popGLStates.
#pragma once

#include <string>

#include <SFML/Graphics/RenderWindow.hpp>
#include <SFML/Window/Event.hpp>

struct ImFont;

namespace maillab::viz {

// The fixed-width font for hex dumps, or nullptr (then the default font is used).
ImFont* monospace_font();

class ImGuiSfml {
 public:
  // Creates the ImGui context with DejaVu Sans at `font_pixels` (a projector wants ~22).
  ImGuiSfml(sf::RenderWindow& window, const std::string& font_path, float font_pixels);
  ~ImGuiSfml();
  ImGuiSfml(const ImGuiSfml&) = delete;
  ImGuiSfml& operator=(const ImGuiSfml&) = delete;

  void process_event(const sf::Event& event);
  void new_frame(float delta_seconds);
  // Draws what the panels built this frame on top of the SFML content.
  void render();

  bool wants_mouse() const;
  bool wants_keyboard() const;

 private:
  sf::RenderWindow& window_;
};

}  // namespace maillab::viz
