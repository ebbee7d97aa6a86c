// Addresses: RFC 5322 §3.4 mailboxes and address lists (display names, quoted local parts,
// groups) and RFC 5321 §4.1.2 paths as written in MAIL FROM / RCPT TO (`<a@b>`, the null `<>`).
// Junk gives an error message, never a crash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/result.h"

namespace maillab::mail {

struct Address {
  std::string display_name;  // decoded: quotes and escapes removed; empty when there is none
  std::string local_part;    // decoded: `"john smith"@x` has local part `john smith`
  std::string domain;        // as written (case kept); may be a literal like `[192.0.2.1]`

  // `local@domain`, re-quoting the local part when it is not a dot-atom (RFC 5322 §3.4.1).
  std::string addr_spec() const;
  // `"Bob Smith" <bob@example.org>` or `bob@example.org` when there is no display name.
  std::string to_string() const;
  // For comparisons only: the domain lowercased (domains are case-insensitive, RFC 5321 §2.4);
  // the local part is kept as is because only its own host may interpret it.
  std::string comparison_key() const;
  bool same_mailbox(const Address& other) const { return comparison_key() == other.comparison_key(); }
  std::string domain_lowercase() const;
};

// One RFC 5322 mailbox: `addr-spec` or `[display-name] <addr-spec>`. Comments are skipped.
ParseResult<Address> parse_mailbox(std::string_view text);

// An RFC 5322 address-list: mailboxes and groups separated by commas. Groups
// (`Team: a@x, b@y;`) are flattened into their members; an empty group gives no address.
ParseResult<std::vector<Address>> parse_address_list(std::string_view text);

// An RFC 5321 path. A null path `<>` is only allowed as a reverse-path (the bounce sender).
struct Path {
  bool is_null = false;
  Address mailbox;  // no display name; empty when is_null
  std::string address() const { return is_null ? std::string() : mailbox.addr_spec(); }
  std::string to_string() const { return "<" + address() + ">"; }  // `<a@b>` or `<>`
};

// Parses a path at the start of `text` (RFC 5321 §4.1.2), e.g. from `<a@b> SIZE=10`; sets
// `consumed` to the length parsed. Source routes (`<@relay:a@b>`) are accepted and ignored
// (§4.1.2 says to). `<postmaster>` without a domain is accepted when `allow_postmaster` (§4.1.1.3).
ParseResult<Path> parse_path_prefix(std::string_view text, std::size_t& consumed, bool allow_null,
                                    bool allow_postmaster);
ParseResult<Path> parse_reverse_path(std::string_view text);  // the whole text; `<>` allowed
ParseResult<Path> parse_forward_path(std::string_view text);  // the whole text; `<>` refused

// True when `text` is a dot-atom (RFC 5322 §3.2.3): atoms separated by single dots.
bool is_dot_atom(std::string_view text);

}  // namespace maillab::mail
