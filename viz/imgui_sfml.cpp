#include "viz/imgui_sfml.h"

#include <backends/imgui_impl_opengl2.h>
#include <imgui.h>

#include <cstdio>

namespace maillab::viz {

ImGuiSfml::ImGuiSfml(sf::RenderWindow& window, const std::string& font_path, float font_pixels) : window_(window) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a fixed layout every time: no imgui.ini left in the working directory
  io.BackendPlatformName = "maillab-sfml";
  io.Fonts->AddFontFromFileTTF(font_path.c_str(), font_pixels);
  // The hex dump needs fixed-width columns: DejaVu Sans Mono from the same package, when present.
  const auto slash = font_path.find_last_of('/');
  const std::string mono_path = font_path.substr(0, slash + 1) + "DejaVuSansMono.ttf";
  if (std::FILE* probe = std::fopen(mono_path.c_str(), "rb")) {
    std::fclose(probe);
    io.Fonts->AddFontFromFileTTF(mono_path.c_str(), font_pixels * 0.93f);
  }
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 3;
  style.FrameRounding = 2;
  style.ScaleAllSizes(font_pixels / 15.0f);
  // The docked panels tile the window and never overlap the canvas, so their background is the
  // window's clear colour (panel_background_color) and ImGui draws none: under Mesa's software
  // renderer the panel fills were ~570,000 blended, textured pixels a frame, a third of the
  // frame time. Popups, menus and tooltips (PopupBg) keep their opaque fill.
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 0);
  style.Colors[ImGuiCol_PopupBg].w = 1.0f;

  // ImGui 1.86 keys: KeyMap names which KeysDown[] slot a key uses; we use SFML's key codes.
  io.KeyMap[ImGuiKey_Tab] = sf::Keyboard::Tab;
  io.KeyMap[ImGuiKey_LeftArrow] = sf::Keyboard::Left;
  io.KeyMap[ImGuiKey_RightArrow] = sf::Keyboard::Right;
  io.KeyMap[ImGuiKey_UpArrow] = sf::Keyboard::Up;
  io.KeyMap[ImGuiKey_DownArrow] = sf::Keyboard::Down;
  io.KeyMap[ImGuiKey_PageUp] = sf::Keyboard::PageUp;
  io.KeyMap[ImGuiKey_PageDown] = sf::Keyboard::PageDown;
  io.KeyMap[ImGuiKey_Home] = sf::Keyboard::Home;
  io.KeyMap[ImGuiKey_End] = sf::Keyboard::End;
  io.KeyMap[ImGuiKey_Insert] = sf::Keyboard::Insert;
  io.KeyMap[ImGuiKey_Delete] = sf::Keyboard::Delete;
  io.KeyMap[ImGuiKey_Backspace] = sf::Keyboard::Backspace;
  io.KeyMap[ImGuiKey_Space] = sf::Keyboard::Space;
  io.KeyMap[ImGuiKey_Enter] = sf::Keyboard::Enter;
  io.KeyMap[ImGuiKey_Escape] = sf::Keyboard::Escape;
  io.KeyMap[ImGuiKey_A] = sf::Keyboard::A;
  io.KeyMap[ImGuiKey_C] = sf::Keyboard::C;
  io.KeyMap[ImGuiKey_V] = sf::Keyboard::V;
  io.KeyMap[ImGuiKey_X] = sf::Keyboard::X;
  io.KeyMap[ImGuiKey_Y] = sf::Keyboard::Y;
  io.KeyMap[ImGuiKey_Z] = sf::Keyboard::Z;

  ImGui_ImplOpenGL2_Init();
}

ImGuiSfml::~ImGuiSfml() {
  ImGui_ImplOpenGL2_Shutdown();
  ImGui::DestroyContext();
}

void ImGuiSfml::process_event(const sf::Event& event) {
  ImGuiIO& io = ImGui::GetIO();
  switch (event.type) {
    case sf::Event::MouseMoved:
      io.MousePos = ImVec2(float(event.mouseMove.x), float(event.mouseMove.y));
      break;
    case sf::Event::MouseButtonPressed:
    case sf::Event::MouseButtonReleased: {
      const int button = event.mouseButton.button;
      if (button >= 0 && button < 3) io.MouseDown[button] = event.type == sf::Event::MouseButtonPressed;
      break;
    }
    case sf::Event::MouseWheelScrolled:
      if (event.mouseWheelScroll.wheel == sf::Mouse::VerticalWheel) {
        io.MouseWheel += event.mouseWheelScroll.delta;
      } else {
        io.MouseWheelH += event.mouseWheelScroll.delta;
      }
      break;
    case sf::Event::KeyPressed:
    case sf::Event::KeyReleased: {
      const int code = event.key.code;
      if (code >= 0 && code < 512) io.KeysDown[code] = event.type == sf::Event::KeyPressed;
      io.KeyCtrl = event.key.control;
      io.KeyShift = event.key.shift;
      io.KeyAlt = event.key.alt;
      io.KeySuper = event.key.system;
      break;
    }
    case sf::Event::TextEntered:
      if (event.text.unicode >= 32 && event.text.unicode != 127) io.AddInputCharacter(event.text.unicode);
      break;
    case sf::Event::LostFocus:
      for (bool& down : io.MouseDown) down = false;
      break;
    default:
      break;
  }
}

void ImGuiSfml::new_frame(float delta_seconds) {
  ImGuiIO& io = ImGui::GetIO();
  const sf::Vector2u size = window_.getSize();
  io.DisplaySize = ImVec2(float(size.x), float(size.y));
  io.DeltaTime = delta_seconds > 0 ? delta_seconds : 1.0f / 60.0f;
  ImGui_ImplOpenGL2_NewFrame();
  ImGui::NewFrame();
}

void ImGuiSfml::render() {
  ImGui::Render();
  window_.pushGLStates();
  ImGui_ImplOpenGL2_RenderDrawData(ImGui::GetDrawData());
  window_.popGLStates();
}

ImFont* monospace_font() {
  ImGuiIO& io = ImGui::GetIO();
  return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr;
}

bool ImGuiSfml::wants_mouse() const { return ImGui::GetIO().WantCaptureMouse; }
bool ImGuiSfml::wants_keyboard() const { return ImGui::GetIO().WantCaptureKeyboard; }

}  // namespace maillab::viz
