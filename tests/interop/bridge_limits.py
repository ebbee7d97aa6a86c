"""The bridge under a flood and a hostile client, with real clients, all on 127.0.0.1 and bounded:

- connections over --max-connections-per-port / --max-connections get their protocol's own refusal
  (smtplib sees 421 4.3.2, poplib -ERR [SYS/TEMP], imaplib * BYE [UNAVAILABLE]), then room comes back;
- a flood of 400 idle connections is refused past the limit, and a normal session works seconds later;
- an IMAP client that pipelines FETCHes of a 1 MB message and never reads holds the bridge to its
  --max-buffered (the summary line's "at most N bytes waiting"); reading later, it gets every byte;
- SIGTERM under that load stops the bridge promptly (exit 0, summary printed);
- a client flooding pipelined NOOPs past --command-rate is slowed (the trace says so) but gets every
  answer, while another client is served at once;
- a non-loopback --bind needs --allow-remote (exit 2 with the reason), and warns when given.

usage: bridge_limits.py MAILLAB
"""
import imaplib
import os
import poplib
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time

from bridge_harness import Bridge, Checks, wait_until, SOURCE_DIR

MAX_BUFFERED = 262144


def rate_checks(checks, bridge):
    smtp_port = bridge.port("mail.example.org", "smtp")
    flood = socket.create_connection(("127.0.0.1", smtp_port), timeout=30)
    flood.recv(200)
    flood.sendall(b"EHLO flood.example\r\n" + b"NOOP\r\n" * 300)
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as other:
        checks.check(other.noop()[0] == 250, "while one client floods, another is served at once")
    data = b""
    deadline = time.time() + 60
    while data.count(b"250 2.0.0 Ok") < 300 and time.time() < deadline:
        chunk = flood.recv(65536)
        if not chunk:
            break
        data += chunk
    flood.close()
    checks.check(data.count(b"250 2.0.0 Ok") == 300, "300 pipelined NOOPs past the rate: slowed, every one answered",
                 data.count(b"250 2.0.0 Ok"))


def refusal_checks(checks, bridge):
    smtp_port = bridge.port("mail.example.org", "smtp")
    pop_port = bridge.port("mail.example.org", "pop3")
    imap_port = bridge.port("mail.example.org", "imap")
    held = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", smtp_port), timeout=10)
        s.recv(200)  # the 220 greeting: this one is in
        held.append(s)
    try:
        smtplib.SMTP("127.0.0.1", smtp_port, timeout=10)
        checks.check(False, "a 5th SMTP connection (per-port limit 4) is refused")
    except smtplib.SMTPConnectError as refused:
        checks.check(refused.smtp_code == 421 and b"4.3.2" in refused.smtp_error,
                     "smtplib: a 5th SMTP connection gets 421 4.3.2 (per-port limit 4)", refused)
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", imap_port), timeout=10)
        s.recv(200)
        held.append(s)
    try:
        imaplib.IMAP4("127.0.0.1", imap_port, timeout=10)
        checks.check(False, "a 7th connection (total limit 6) is refused")
    except imaplib.IMAP4.error as refused:  # the greeting is BYE: imaplib raises error (not abort)
        checks.check("UNAVAILABLE" in str(refused), "imaplib: over the total limit, * BYE [UNAVAILABLE]", refused)
    try:
        poplib.POP3("127.0.0.1", pop_port, timeout=10)
        checks.check(False, "POP3 over the total limit is refused")
    except poplib.error_proto as refused:
        checks.check(b"[SYS/TEMP]" in refused.args[0], "poplib: over the total limit, -ERR [SYS/TEMP]", refused)
    for s in held:
        s.close()

    def smtp_works():
        try:
            smtp = smtplib.SMTP("127.0.0.1", smtp_port, timeout=10)
            smtp.quit()
            return True
        except (smtplib.SMTPConnectError, OSError):
            return False

    checks.check(wait_until(smtp_works, timeout=10, what="room after closing"), "once they close, SMTP works again")


def flood_checks(checks, bridge):
    smtp_port = bridge.port("mail.example.org", "smtp")
    flood = []
    refused = 0
    for _ in range(400):
        s = socket.create_connection(("127.0.0.1", smtp_port), timeout=10)
        flood.append(s)
    for s in flood:
        try:
            if s.recv(200).startswith(b"421"):
                refused += 1
        except OSError:
            pass
    checks.check(refused >= 400 - 6, "a flood of 400 idle connections: all but the limit refused", refused)
    for s in flood:
        s.close()

    def smtp_works():
        try:
            smtp = smtplib.SMTP("127.0.0.1", smtp_port, timeout=10)
            code = smtp.ehlo()[0]
            smtp.quit()
            return code == 250
        except (smtplib.SMTPConnectError, OSError):
            return False

    checks.check(wait_until(smtp_works, timeout=10, what="a normal session after the flood"),
                 "seconds after the flood a normal SMTP session works")


def append_big_message(port, size):
    imap = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    imap.login("bob", "bob-pass")
    body = ("x" * 76 + "\r\n") * (size // 78)
    message = "From: bob@example.org\r\nTo: bob@example.org\r\nSubject: big\r\n\r\n" + body
    status, _ = imap.append("INBOX", None, None, message.encode())
    imap.logout()
    return status == "OK", len(message)


def non_reading_client(checks, bridge):
    port = bridge.port("mail.example.org", "imap")
    ok, size = append_big_message(port, 1024 * 1024)
    checks.check(ok, "APPEND of a 1 MB message: OK")
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.recv(1000)
    s.sendall(b"a LOGIN bob bob-pass\r\nb SELECT INBOX\r\n")
    pipelined = b"".join(b"f%d FETCH 1 BODY.PEEK[]\r\n" % i for i in range(20))
    s.sendall(pipelined)
    time.sleep(3)  # it does not read: the bridge must hold no more than its limit meanwhile
    return s, size


def main():
    checks = Checks("bridge limits")
    maillab = sys.argv[1]

    # --bind: loopback only unless said otherwise.
    refused = subprocess.run([maillab, "bridge", "scenarios/bridge-lab.yaml", "--bind", "0.0.0.0", "--for", "1s"],
                             cwd=SOURCE_DIR, capture_output=True, text=True, timeout=30)
    checks.check(refused.returncode == 2 and "--allow-remote" in refused.stderr and "plain text" in refused.stderr,
                 "--bind 0.0.0.0 without --allow-remote: exit 2, says why", (refused.returncode, refused.stderr))
    allowed = subprocess.run([maillab, "bridge", "scenarios/bridge-lab.yaml", "--bind", "0.0.0.0", "--allow-remote",
                              "--base-port", "0", "--for", "1s", "--trace", "none"],
                             cwd=SOURCE_DIR, capture_output=True, text=True, timeout=30)
    checks.check(allowed.returncode == 0 and "WARNING" in allowed.stderr and "for teaching" in allowed.stderr,
                 "--bind 0.0.0.0 --allow-remote: serves, with a warning", (allowed.returncode, allowed.stderr))

    bridge = Bridge(maillab, extra=("--max-connections", "6", "--max-connections-per-port", "4", "--trace", "none"))
    try:
        refusal_checks(checks, bridge)
        flood_checks(checks, bridge)
    finally:
        output = checks.finish(bridge)
    counts = re.search(r"(\d+) refused over a limit", output)
    checks.check(counts and int(counts.group(1)) >= 400, "the summary counts the refusals", counts)

    bridge = Bridge(maillab, extra=("--max-buffered", str(MAX_BUFFERED), "--trace", "none"))
    s = None
    try:
        s, size = non_reading_client(checks, bridge)
        # Under that load, SIGTERM stops it: exit 0 with the summary, well within the wait below.
        bridge.process.send_signal(signal.SIGTERM)
        try:
            bridge.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        checks.check(bridge.process.poll() == 0, "SIGTERM under load: the bridge exits 0 at once",
                     bridge.process.poll())
    finally:
        if s:
            s.close()
        output = checks.finish(bridge)
    checks.check("stopped (signal)" in output, "it says it stopped on a signal")
    waiting = re.search(r"at most (\d+) bytes waiting for one client", output)
    checks.check(waiting and int(waiting.group(1)) <= MAX_BUFFERED + 65535 + 1460,
                 "a client that never reads: at most the limit (+ one window) waited in the bridge", waiting)
    paused = re.search(r"(\d+) reads paused", output)
    checks.check(paused and int(paused.group(1)) >= 1, "its reading was paused", paused)

    bridge = Bridge(maillab, extra=("--command-rate", "20", "--trace", "text"))
    try:
        rate_checks(checks, bridge)
    finally:
        output = checks.finish(bridge)
    checks.check("command rate: more than 20 commands/s (bursts of 200) from bridge" in output,
                 "the trace says the flooding client was slowed down")
    bad = subprocess.run([maillab, "bridge", "scenarios/bridge-lab.yaml", "--command-rate", "fast"],
                         cwd=SOURCE_DIR, capture_output=True, text=True, timeout=30)
    checks.check(bad.returncode == 2 and "--command-rate 'fast'" in bad.stderr, "a bad --command-rate: exit 2, says why",
                 (bad.returncode, bad.stderr))

    # The same client reading at last gets all 20 answers, complete.
    bridge = Bridge(maillab, extra=("--max-buffered", str(MAX_BUFFERED), "--trace", "none"))
    try:
        s, size = non_reading_client(checks, bridge)
        data = b""
        deadline = time.time() + 60
        while data.count(b"f19 OK") == 0 and time.time() < deadline:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        s.close()
        answers = len(re.findall(rb"\* 1 FETCH \(BODY\[\] \{(\d+)\}", data))
        checks.check(answers == 20 and b"f19 OK" in data, "reading later, all 20 FETCH answers arrive", answers)
        checks.check(len(data) >= 20 * size, "... every byte of them", len(data))
    finally:
        output = checks.finish(bridge)
    checks.report()


if __name__ == "__main__":
    main()
