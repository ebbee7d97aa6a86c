#include "viz/canvas/text_batch.h"

#include <cmath>

#include <SFML/Graphics/RenderStates.hpp>
#include <SFML/System/String.hpp>

namespace maillab::viz {

namespace {

constexpr float outline_thickness = 2.0f;

void add_glyph_quad(sf::VertexArray& out, const sf::Glyph& glyph, float x, float baseline, sf::Color color) {
  const float left = x + glyph.bounds.left, top = baseline + glyph.bounds.top;
  const float right = left + glyph.bounds.width, bottom = top + glyph.bounds.height;
  const float u0 = float(glyph.textureRect.left), v0 = float(glyph.textureRect.top);
  const float u1 = u0 + float(glyph.textureRect.width), v1 = v0 + float(glyph.textureRect.height);
  const sf::Vertex a({left, top}, color, {u0, v0}), b({right, top}, color, {u1, v0});
  const sf::Vertex c({right, bottom}, color, {u1, v1}), d({left, bottom}, color, {u0, v1});
  out.append(a);
  out.append(b);
  out.append(c);
  out.append(a);
  out.append(c);
  out.append(d);
}

}  // namespace

float TextBatch::width(const std::string& utf8, unsigned size) {
  const sf::String text = sf::String::fromUtf8(utf8.begin(), utf8.end());
  float x = 0;
  sf::Uint32 previous = 0;
  for (sf::Uint32 c : text) {
    x += font_.getKerning(previous, c, size);
    x += font_.getGlyph(c, size, false).advance;
    previous = c;
  }
  return x;
}

void TextBatch::add(const std::string& utf8, Point at, unsigned size, sf::Color fill, sf::Color outline,
                    bool centred) {
  const sf::String text = sf::String::fromUtf8(utf8.begin(), utf8.end());
  Pages& pages = by_size_[size];
  float x = std::round(float(at.x) - (centred ? width(utf8, size) / 2 : 0.0f));
  const float baseline = std::round(float(at.y) + float(size));
  sf::Uint32 previous = 0;
  for (sf::Uint32 c : text) {
    x += font_.getKerning(previous, c, size);
    const sf::Glyph& glyph = font_.getGlyph(c, size, false);
    if (c != ' ' && c != '\t') {
      add_glyph_quad(pages.outline, font_.getGlyph(c, size, false, outline_thickness), x, baseline, outline);
      add_glyph_quad(pages.fill, glyph, x, baseline, fill);
    }
    x += glyph.advance;
    previous = c;
  }
}

void TextBatch::flush(sf::RenderTarget& target) {
  for (auto& [size, pages] : by_size_) {
    sf::RenderStates states;
    states.texture = &font_.getTexture(size);
    if (pages.outline.getVertexCount()) target.draw(pages.outline, states);
    if (pages.fill.getVertexCount()) target.draw(pages.fill, states);
    pages.outline.clear();
    pages.fill.clear();
  }
}

}  // namespace maillab::viz
