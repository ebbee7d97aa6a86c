#pragma once
// A POP3 client session (RFC 1939) for the simulated mail client, sans-I/O: it drives one fetch
//   greeting -> USER/PASS (or APOP) -> STAT -> UIDL -> RETR each new message [-> DELE] -> QUIT
// and hands each downloaded message (UIDL + bytes, un-stuffed) to the caller via poll_message().
// With `starttls` it first asks CAPA and sends STLS (RFC 2595 §4): after "+OK" the host starts TLS
// on the connection (take_tls_request()) and calls handle_tls_established(), and only then does
// USER/PASS go out. A server that offers no STLS gets no password: the fetch fails.
// "Leave a copy on the server" mode: delete_after_download = false and known_uidls holds the
// UIDLs already downloaded, so only new messages are retrieved (RFC 1939 §7, UIDL).

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/pop3/events.h"

namespace maillab::pop3 {

struct ClientOptions {
  std::string user;
  std::string password;
  bool use_apop = false;               // needs a timestamp in the server greeting
  bool delete_after_download = true;   // false: leave a copy on the server
  std::set<std::string> known_uidls;   // skip these (already downloaded earlier)
  bool starttls = false;               // STLS before logging in, or no login at all
};

struct DownloadedMessage {
  std::size_t number = 0;  // message number in this session
  std::string uidl;
  std::string bytes;       // CRLF line ends, dot-stuffing removed
};

class ClientSession {
 public:
  explicit ClientSession(ClientOptions options);

  void handle_bytes(std::string_view bytes);  // bytes from the server
  void handle_close();                        // the connection dropped
  std::string poll_output();                  // bytes to send to the server
  std::optional<Event> poll_event();
  std::optional<DownloadedMessage> poll_message();
  // STLS was answered "+OK": start TLS now (once), then call one of these.
  bool take_tls_request() { return std::exchange(tls_requested_, false); }
  void handle_tls_established();
  void handle_tls_failed(const std::string& reason);

  bool finished() const { return step_ == Step::done || step_ == Step::failed; }
  bool failed() const { return step_ == Step::failed; }
  const std::string& error() const { return error_; }
  // known_uidls plus everything downloaded in this session: keep it for the next fetch.
  const std::set<std::string>& known_uidls() const { return options_.known_uidls; }
  std::size_t downloaded_count() const { return downloaded_; }

 private:
  enum class Step { greeting, capa, stls, tls_handshake, user, pass, apop, stat, uidl, retr, dele, quit, done, failed };

  void handle_status_line(const std::string& line);
  void on_greeting(bool ok, const std::string& line);  // then CAPA (for STLS) or the login
  void on_stat(bool ok, const std::string& line);      // the message count: UIDL, or QUIT when none
  void fetch_without_uidl();                           // UIDL refused: every message, by number
  void expect_multiline();                             // the reply's body lines follow
  void handle_multiline_end();
  void send(const std::string& line, const std::string& shown);
  void fail(const std::string& reason);
  void next_message();  // RETR the next wanted message, or QUIT
  void log_in();        // APOP, or USER (then PASS)

  ClientOptions options_;
  Step step_ = Step::greeting;
  std::string input_;
  std::string output_;
  std::deque<Event> events_;
  std::deque<DownloadedMessage> messages_;
  std::string error_;
  bool in_multiline_ = false;
  std::string multiline_body_;
  std::size_t message_count_ = 0;
  std::vector<std::pair<std::size_t, std::string>> listing_;  // (number, uidl)
  std::size_t next_index_ = 0;                                // into listing_
  std::size_t downloaded_ = 0;
  std::string greeting_timestamp_;
  bool tls_requested_ = false;
};

}  // namespace maillab::pop3
