// narration_blocks: a step's text split for the visualizer's wrapping panel, with list
// items recognised as the terminal's wrap_text recognises them.
#include <catch2/catch.hpp>

#include "lessons/text_layout.h"

using namespace maillab;

TEST_CASE("narration blocks: paragraphs joined, lists and indented lines kept", "[lessons][lesson][text]") {
  const auto blocks = lessons::narration_blocks(
      "One line\nand its continuation.\n\n  laptop   asks\n  resolver answers\n- first item\n  still?\n- second\n"
      "1. numbered\nafter\n\n\n");
  using Kind = lessons::NarrationBlock::Kind;
  REQUIRE(blocks.size() == 8);
  CHECK(blocks[0].kind == Kind::paragraph);
  CHECK(blocks[0].text == "One line and its continuation.");
  CHECK(blocks[1].kind == Kind::blank);
  CHECK(blocks[2].kind == Kind::verbatim);
  CHECK(blocks[2].text == "  laptop   asks");
  CHECK(blocks[3].kind == Kind::verbatim);
  CHECK(blocks[4].kind == Kind::list_item);
  CHECK(blocks[4].text == "- first item");
  CHECK(blocks[5].kind == Kind::verbatim);  // two-space indent is verbatim even under an item
  CHECK(blocks[6].kind == Kind::list_item);
  CHECK(blocks[7].kind == Kind::list_item);
  CHECK(blocks[7].text == "1. numbered after");
}

TEST_CASE("narration blocks: list items are the terminal's list items, nothing else is", "[lessons][lesson][text]") {
  using Kind = lessons::NarrationBlock::Kind;
  for (const char* item : {"- dash", "* star", "1. one", "12) twelve"}) {
    INFO(item);
    const auto blocks = lessons::narration_blocks(item);
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].kind == Kind::list_item);
    // The terminal hangs the item's second line under its text: it took the line as an item too.
    const std::string wrapped = lessons::wrap_text(std::string(item) + " continues", 8);
    CHECK(wrapped.find("\n ") != std::string::npos);
  }
  for (const char* plain : {"-dash", "1.5 litres", "1234. too many digits", "a - b"}) {
    INFO(plain);
    const auto blocks = lessons::narration_blocks(plain);
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].kind == Kind::paragraph);
  }
}

TEST_CASE("narration blocks: CRLF line ends, blank runs and empty text", "[lessons][lesson][text]") {
  using Kind = lessons::NarrationBlock::Kind;
  CHECK(lessons::narration_blocks("").empty());
  CHECK(lessons::narration_blocks("\n \n\t\n").empty());
  const auto blocks = lessons::narration_blocks("first\r\nline\r\n\r\n \r\n\r\nsecond");
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].text == "first line");
  CHECK(blocks[1].kind == Kind::blank);
  CHECK(blocks[2].kind == Kind::paragraph);
  CHECK(blocks[2].text == "second");
}
