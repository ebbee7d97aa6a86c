// The canvas's right-click menu: take a link or a host down, bring it back up, inspect it, plus
// whatever HostActionRegistry hooks add for hosts (DNS record changes, mailbox filling, ...).
// Every change is a UserAction queued for after the frame, so it is journaled and replayed.
#pragma once

#include <optional>
#include <string>

#include "viz/visualizer_state.h"

namespace maillab::viz {

struct CanvasMenuPanel {
  std::string node;
  std::optional<std::size_t> link_id;
  bool open_requested = false;

  void request(std::optional<std::string> node_name, std::optional<std::size_t> link);
  void Draw(VisualizerState& state);
};

}  // namespace maillab::viz
