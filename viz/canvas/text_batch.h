// Canvas labels, batched: every label of one character size becomes quads in one vertex array
// textured with the font's glyph page, drawn with one call (and one more for the outlines that
// keep labels readable over links). One sf::Text per label cost a draw call each, which under a
// software renderer (Xvfb) was a third of the canvas's frame time.
#pragma once

#include <map>
#include <string>

#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/RenderTarget.hpp>
#include <SFML/Graphics/VertexArray.hpp>

#include "viz/model/geometry.h"

namespace maillab::viz {

class TextBatch {
 public:
  explicit TextBatch(const sf::Font& font) : font_(font) {}

  // Queues `utf8` with its top-left at `at` (or its top-centre when `centred`).
  void add(const std::string& utf8, Point at, unsigned size, sf::Color fill, sf::Color outline, bool centred);
  // Width in pixels of a label at a size.
  float width(const std::string& utf8, unsigned size);
  // Draws everything queued (outlines first, then the letters) and empties the batch.
  void flush(sf::RenderTarget& target);

 private:
  struct Pages {
    sf::VertexArray outline{sf::Triangles};
    sf::VertexArray fill{sf::Triangles};
  };
  const sf::Font& font_;
  std::map<unsigned, Pages> by_size_;
};

}  // namespace maillab::viz
