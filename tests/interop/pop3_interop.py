"""poplib against the simulated POP3 server (RFC 1939) through the bridge: alice reads, keeps
and deletes the welcome message carol sent her in the scenario.

usage: pop3_interop.py MAILLAB
"""
import email
import poplib
import sys

from bridge_harness import Bridge, Checks, wait_until

WELCOME_BODY = ["Hello alice,", "this message crossed the simulated Internet.", ".leading dot line", "-- carol"]


def login(port, user="alice", password="alice-pass"):
    pop = poplib.POP3("127.0.0.1", port, timeout=10)
    pop.user(user)
    pop.pass_(password)
    return pop


def main():
    checks = Checks("pop3 interop")
    bridge = Bridge(sys.argv[1])
    port = bridge.port("mail.example.org", "pop3")
    try:
        def has_mail():
            pop = login(port)
            try:
                return pop.stat()[0] >= 1
            finally:
                pop.quit()

        wait_until(has_mail, timeout=30, interval=0.3, what="the welcome message in alice's maildrop")

        pop = poplib.POP3("127.0.0.1", port, timeout=10)
        checks.check(pop.getwelcome().startswith(b"+OK"), "greeting +OK", pop.getwelcome())
        try:
            pop.user("alice")
            pop.pass_("wrong")
            checks.check(False, "a wrong password is refused")
        except poplib.error_proto as refused:
            checks.check(str(refused).startswith("b'-ERR"), "wrong password: -ERR", refused)
        pop.quit()

        pop = login(port)
        count, size = pop.stat()
        checks.check(count == 1 and size > 0, "STAT: 1 message", (count, size))
        response, listing, _ = pop.list()
        checks.check(response.startswith(b"+OK") and listing == [b"1 %d" % size], "LIST matches STAT", listing)
        response, uids, _ = pop.uidl()
        checks.check(len(uids) == 1 and uids[0].startswith(b"1 ") and len(uids[0]) > 2, "UIDL gives a unique id",
                     uids)
        uid = uids[0].split()[1]
        response, lines, octets = pop.retr(1)
        checks.check(response.startswith(b"+OK"), "RETR 1: +OK", response)
        raw = b"\r\n".join(lines)
        parsed = email.message_from_bytes(raw)
        checks.check(parsed["Subject"] == "Welcome to the bridge lab", "RETR: the welcome message", parsed["Subject"])
        body = raw.split(b"\r\n\r\n", 1)[1].decode().split("\r\n")
        checks.check(body == WELCOME_BODY, "RETR: body dot-unstuffed, as sent", body)
        response, top_lines, _ = pop.top(1, 0)
        checks.check(b"Subject: Welcome to the bridge lab" in top_lines and b"Hello alice," not in top_lines,
                     "TOP 1 0: headers only", top_lines[-3:])
        checks.check(pop.dele(1).startswith(b"+OK"), "DELE 1: +OK")
        checks.check(pop.stat()[0] == 0, "after DELE the message is hidden in this session")
        checks.check(pop.rset().startswith(b"+OK"), "RSET undeletes")
        checks.check(pop.stat()[0] == 1, "after RSET the message is back")
        pop.dele(1)
        checks.check(pop.quit().startswith(b"+OK"), "QUIT: +OK (UPDATE state removes it, RFC 1939 §6)")

        pop = login(port)
        checks.check(pop.stat()[0] == 0, "a new session finds the maildrop empty")
        response, uids, _ = pop.uidl()
        checks.check(uid not in b" ".join(uids), "the deleted message's UID is gone")
        pop.quit()

        # 995 is implicit TLS (RFC 8314): a verified handshake with the world's CA first.
        pops = poplib.POP3_SSL("127.0.0.1", bridge.port("mail.example.org", "pop3s"), timeout=10,
                               context=bridge.tls_context())
        pops.user("bob")
        checks.check(pops.pass_("bob-pass").startswith(b"+OK"), "USER/PASS bob on 995: +OK")
        pops.quit()
    finally:
        output = checks.finish(bridge)
    checks.check("POP3" in output and "bridge -> mail.example.org" in output, "trace shows the POP3 dialogue")
    checks.report()


if __name__ == "__main__":
    main()
