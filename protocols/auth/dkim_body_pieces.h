#pragma once
// The canonical body (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) as a sequence of pieces handed to a
// callback, so that it can be hashed without being built: the pieces are views into the body and
// the constants " " and CRLF. canonicalize_body (the whole string) and dkim_body_hash (the hash
// over it, dkim_crypto.h) both use this; only this folder includes it.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "protocols/auth/dkim_canonicalization.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace maillab::auth::detail {

// 0x80 in each byte of `word` equal to `byte`, 0 in the others (exact, unlike the usual
// has-a-zero-byte test: no carry crosses a byte).
inline std::uint64_t bytes_equal_to(std::uint64_t word, unsigned char byte) {
  constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
  const std::uint64_t x = word ^ (0x0101010101010101ULL * byte);
  return ~(((x & low7) + low7) | x | low7);
}

// Whether relaxed canonicalization leaves a line as it is: text with single SPs between words (one
// may lead), no HTAB and no WSP at its end. Most lines of most bodies are; they go out whole. This
// runs over every octet of the body, so it reads sixteen (SSE2) or eight at a time.
inline bool is_relaxed_already(std::string_view line) {
  if (line.empty() || line.back() == ' ' || line.back() == '\t') return false;
  std::size_t i = 0;
  bool previous_space = false;
#if defined(__SSE2__)
  // Sixteen octets at a time where SSE2 is there (every x86-64): a compare and a mask for HTAB and
  // SP each, about a sixth of the eight-octet loop's instructions.
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i space = _mm_set1_epi8(' ');
  for (; i + 16 <= line.size(); i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, tab)) != 0) return false;
    const unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, space)));
    // Two SPs side by side in the chunk, or its first after the last of the one before.
    if ((spaces & (spaces >> 1)) != 0 || (previous_space && (spaces & 1) != 0)) return false;
    previous_space = (spaces >> 15) != 0;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= line.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, line.data() + i, 8);
      if (bytes_equal_to(word, '\t') != 0) return false;
      const std::uint64_t spaces = bytes_equal_to(word, ' ');
      // Two SPs side by side in the word, or the word's first after the last of the one before.
      if ((spaces & (spaces >> 8)) != 0 || (previous_space && (spaces & 0x80) != 0)) return false;
      previous_space = (spaces >> 63) != 0;
    }
  }
  for (; i < line.size(); ++i) {
    if (line[i] == '\t' || (line[i] == ' ' && previous_space)) return false;
    previous_space = line[i] == ' ';
  }
  return true;
}

// `emit(std::string_view)` receives the canonical body in order.
template <class Emit>
void for_each_canonical_body_piece(std::string_view body, DkimCanonicalization canonicalization, Emit&& emit) {
  static constexpr std::string_view crlf = "\r\n";
  const bool relaxed = canonicalization == DkimCanonicalization::relaxed;
  auto is_wsp = [](char c) { return c == ' ' || c == '\t'; };
  // Empty lines are held back as a count until a non-empty one follows, so trailing empty lines
  // never appear (§3.4.3, §3.4.4).
  std::size_t pending_empty_lines = 0;
  bool any_line = false;
  std::size_t position = 0;
  while (position < body.size()) {
    const std::size_t end = body.find(crlf, position);
    const bool has_crlf = end != std::string_view::npos;
    const std::string_view line = body.substr(position, has_crlf ? end - position : std::string_view::npos);
    position = has_crlf ? end + 2 : body.size();
    bool started = false;  // this line has content (its held-back empty lines are written)
    auto start_line = [&] {
      if (started) return;
      for (; pending_empty_lines > 0; --pending_empty_lines) emit(crlf);
      started = true;
    };
    if (relaxed && is_relaxed_already(line)) {
      start_line();
      emit(line);
    } else if (relaxed) {
      // A run without WSP goes whole; a WSP run before more content becomes one SP, one at the
      // line's end goes (§3.4.4). A line of only WSP is empty.
      std::size_t run = 0;
      while (run < line.size()) {
        std::size_t wsp = run;
        while (wsp < line.size() && !is_wsp(line[wsp])) ++wsp;
        if (wsp > run) {
          start_line();
          emit(line.substr(run, wsp - run));
        }
        std::size_t next = wsp;
        while (next < line.size() && is_wsp(line[next])) ++next;
        if (next == line.size()) break;
        if (next > wsp) {
          start_line();
          emit(std::string_view(" "));
        }
        run = next;
      }
    } else if (!line.empty()) {
      start_line();
      emit(line);
    }
    if (!started) {
      ++pending_empty_lines;
      continue;
    }
    emit(crlf);  // a last line without CRLF gets one (§3.4.3, §3.4.4)
    any_line = true;
  }
  // §3.4.3: an empty (or all-empty-lines) body is one CRLF in simple; nothing in relaxed (§3.4.4).
  if (!any_line && !relaxed) emit(crlf);
}

}  // namespace maillab::auth::detail
