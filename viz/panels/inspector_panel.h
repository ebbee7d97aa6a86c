// The right-hand "Inspector" window: whatever is selected — a host, a link, or a trace record
// (a packet or any event) — drawn by the panel for that kind of thing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/model/geometry.h"
#include "viz/model/packet_decode.h"
#include "viz/model/tls_inspection.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

struct HostInspectorPanel {
  void Draw(VisualizerState& state, const std::string& name);
};

struct LinkInspectorPanel {
  void Draw(VisualizerState& state, std::size_t link_id);
};

struct RecordInspectorPanel {
  // Decoding is cached for the record shown.
  std::optional<std::size_t> decoded_record;
  std::uint64_t decoded_generation = 0;
  DecodedPacket decoded;
  std::vector<std::string> dump;
  TlsInspection tls;
  std::size_t tls_records_seen = 0;  // trace length when `tls` was made

  void Draw(VisualizerState& state, std::size_t record);
  // Decodes record `index` again when it is another record or another replay, and its TLS view
  // when the trace has grown.
  void refresh(VisualizerState& state, std::size_t index);
};

struct InspectorPanel {
  HostInspectorPanel host;
  LinkInspectorPanel link;
  RecordInspectorPanel record;

  void Draw(VisualizerState& state, const Rect& area);
};

}  // namespace maillab::viz
