"""smtplib against the simulated MTAs through the bridge: EHLO, AUTH PLAIN/LOGIN on submission,
a message relayed by mail.example.org to mail.example.net inside the simulation and read back
with poplib, and the refusals: AUTH required (530), relay denied (554 5.7.1), unknown user (550).

usage: smtp_interop.py MAILLAB
"""
import email
import os
import poplib
import smtplib
import subprocess
import sys
import time

from bridge_harness import Bridge, Checks, wait_until

BODY_LINES = ["Hi carol,", "", ".a line that starts with a dot", "..and one with two", ".", "bye, alice"]


def message(subject, sender="Alice <alice@example.org>", to="Carol <carol@example.net>"):
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n" % (sender, to, subject)) + "\r\n".join(BODY_LINES) + "\r\n"


def pop3_messages(port, user, password):
    """Every message in the maildrop as email.message.Message (nothing deleted)."""
    pop = poplib.POP3("127.0.0.1", port, timeout=10)
    try:
        pop.user(user)
        pop.pass_(password)
        count, _ = pop.stat()
        return [b"\r\n".join(pop.retr(i)[1]) for i in range(1, count + 1)]
    finally:
        pop.quit()


def main():
    checks = Checks("smtp interop")
    bridge = Bridge(sys.argv[1])
    submission = bridge.port("mail.example.org", "smtp-submission")
    relay = bridge.port("mail.example.org", "smtp")
    carol_pop3 = bridge.port("mail.example.net", "pop3")
    subject = "Over the bridge %d" % int(time.time())
    try:
        with smtplib.SMTP("127.0.0.1", submission, timeout=10) as smtp:
            code, banner = smtp.ehlo("real-client.test")
            checks.check(code == 250, "EHLO on 587 answers 250", code)
            checks.check(smtp.has_extn("starttls"), "STARTTLS is announced (RFC 3207)", smtp.esmtp_features)
            checks.check("PLAIN" in smtp.esmtp_features.get("auth", "") and
                         "LOGIN" in smtp.esmtp_features.get("auth", ""), "AUTH PLAIN LOGIN announced",
                         smtp.esmtp_features)
            try:
                smtp.sendmail("alice@example.org", ["carol@example.net"], message("no auth"))
                checks.check(False, "MAIL without AUTH on 587 is refused")
            except smtplib.SMTPSenderRefused as refused:
                checks.check(refused.smtp_code == 530, "MAIL without AUTH on 587: 530 (RFC 4954 §6)",
                             refused.smtp_code)
                checks.check(b"5.7.0" in refused.smtp_error, "... with enhanced code 5.7.0", refused.smtp_error)
            smtp.rset()
            try:
                smtp.login("alice", "wrong")
                checks.check(False, "a wrong password is refused")
            except smtplib.SMTPAuthenticationError as refused:
                checks.check(refused.smtp_code == 535, "wrong password: 535", refused.smtp_code)

        with smtplib.SMTP("127.0.0.1", submission, timeout=10) as smtp:
            smtp.ehlo("real-client.test")
            code, _ = smtp.login("alice@example.org", "alice-pass")  # smtplib picks AUTH PLAIN here
            checks.check(code == 235, "AUTH PLAIN as alice@example.org: 235", code)
            refused = smtp.sendmail("alice@example.org", ["carol@example.net"], message(subject))
            checks.check(refused == {}, "sendmail to carol@example.net accepted", refused)

        with smtplib.SMTP("127.0.0.1", submission, timeout=10) as smtp:
            smtp.ehlo("real-client.test")
            smtp.user, smtp.password = "bob", "bob-pass"
            code, _ = smtp.auth("LOGIN", smtp.auth_login, initial_response_ok=False)
            checks.check(code == 235, "AUTH LOGIN as bob: 235", code)

        # 465 is implicit TLS (RFC 8314): plain SMTP there gets no answer a client understands.
        # (tls_interop.py speaks TLS to it with the world's CA.)
        try:
            with smtplib.SMTP("127.0.0.1", bridge.port("mail.example.org", "smtps"), timeout=5) as smtp:
                smtp.ehlo("real-client.test")
            checks.check(False, "plain SMTP on 465 fails: the server waits for a TLS ClientHello")
        except (smtplib.SMTPServerDisconnected, OSError):
            checks.check(True, "plain SMTP on 465 fails: the server waits for a TLS ClientHello")

        # The message crosses the simulated Internet: mail.example.org looks up example.net's MX
        # through the resolver and relays it to mail.example.net, which files it for carol.
        def arrived():
            for raw in pop3_messages(carol_pop3, "carol", "carol-pass"):
                parsed = email.message_from_bytes(raw)
                if parsed["Subject"] == subject:
                    return raw, parsed
            return None

        raw, parsed = wait_until(arrived, timeout=60, interval=0.5, what="the message in carol's maildrop")
        checks.check(True, "the message reached carol@example.net through the simulated relay")
        body = raw.split(b"\r\n\r\n", 1)[1].decode()
        checks.check(body.split("\r\n") == BODY_LINES, "the body arrives dot-unstuffed, byte for byte",
                     repr(body))
        received = parsed.get_all("Received") or []
        checks.check(any("mail.example.net" in r for r in received), "a Received header by mail.example.net",
                     received)
        checks.check(len(received) >= 2, "Received headers from both hops", received)
        checks.check(parsed["Message-ID"] is not None and parsed["Date"] is not None,
                     "the submission server added Message-ID and Date (RFC 6409 §8)")

        # swaks (when installed): a Perl SMTP client with its own idea of the dialogue.
        if os.path.exists("/usr/bin/swaks"):
            swaks_subject = subject + " (swaks)"
            result = subprocess.run(
                ["/usr/bin/swaks", "--server", "127.0.0.1", "--port", str(submission), "--ehlo", "swaks.test",
                 "--from", "bob@example.org", "--to", "carol@example.net", "--auth", "LOGIN", "--auth-user", "bob",
                 "--auth-password", "bob-pass", "--header", "Subject: " + swaks_subject, "--body", "sent by swaks",
                 "--timeout", "20"], capture_output=True, text=True, timeout=60)
            checks.check(result.returncode == 0 and "250 2.0.0" in result.stdout, "swaks: AUTH LOGIN and send via 587",
                         result.stdout[-800:] + result.stderr[-400:])
            wait_until(lambda: any(email.message_from_bytes(raw)["Subject"] == swaks_subject
                                   for raw in pop3_messages(carol_pop3, "carol", "carol-pass")),
                       timeout=60, interval=0.5, what="swaks's message in carol's maildrop")
            checks.check(True, "swaks's message reached carol@example.net")
        else:
            print("SKIP  swaks is not installed")

        # RFC 3461 DSN with smtplib's own mail_options/rcpt_options: the wire carries RET, ENVID,
        # NOTIFY and ORCPT; mail.example.org relays them to mail.example.net (which offers DSN),
        # and mail.example.net's "delivered" report comes back to alice's maildrop.
        dsn_subject = subject + " (DSN)"
        with smtplib.SMTP("127.0.0.1", submission, timeout=10) as smtp:
            smtp.ehlo("real-client.test")
            checks.check(smtp.has_extn("dsn"), "DSN is announced (RFC 3461 §4)", smtp.esmtp_features)
            smtp.login("alice@example.org", "alice-pass")
            code, text = smtp.docmd("MAIL FROM:<alice@example.org> RET=BOGUS")
            checks.check(code == 501 and b"5.5.4" in text, "RET=BOGUS: 501 5.5.4", (code, text))
            refused = smtp.sendmail("alice@example.org", ["carol@example.net"], message(dsn_subject),
                                    mail_options=["RET=HDRS", "ENVID=interop+2B1"],
                                    rcpt_options=["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;carol@example.net"])
            checks.check(refused == {}, "sendmail with RET/ENVID/NOTIFY/ORCPT accepted", refused)
        alice_pop3 = bridge.port("mail.example.org", "pop3")

        def report_arrived():
            for raw in pop3_messages(alice_pop3, "alice", "alice-pass"):
                if b"Original-Envelope-Id: interop+1" in raw:
                    return raw
            return None

        report = wait_until(report_arrived, timeout=60, interval=0.5, what="the delivery report in alice's maildrop")
        checks.check(b"Action: delivered" in report and b"Reporting-MTA: dns; mail.example.net" in report,
                     "mail.example.net reports the delivery (Action: delivered)", report[-600:])
        checks.check(b"Original-Recipient: rfc822; carol@example.net" in report, "ORCPT comes back as Original-Recipient")

        # Port 25 of mail.example.org: mail for its own users is welcome, relaying is not.
        with smtplib.SMTP("127.0.0.1", relay, timeout=10) as smtp:
            smtp.ehlo("stranger.test")
            try:
                smtp.sendmail("someone@stranger.test", ["carol@example.net"], message("relay me"))
                checks.check(False, "relaying for a stranger is refused")
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = refused.recipients["carol@example.net"]
                checks.check(code == 554 and b"5.7.1" in text, "relay denied on 25: 554 5.7.1", (code, text))
            smtp.rset()
            try:
                smtp.sendmail("someone@stranger.test", ["nobody@example.org"], message("who?"))
                checks.check(False, "an unknown user is refused")
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = refused.recipients["nobody@example.org"]
                checks.check(code == 550 and b"5.1.1" in text, "unknown user on 25: 550 5.1.1", (code, text))
            smtp.rset()
            code, _ = smtp.docmd("VRFY", "bob")
            checks.check(code in (252, 502, 550), "VRFY answers without leaking (252/502/550)", code)
    finally:
        output = checks.finish(bridge)
    checks.check("bridge -> mail.example.org" in output, "trace shows the real client's segments at the bridge host")
    checks.check("AUTH" in output and "SMTP" in output, "trace shows the SMTP dialogue")
    checks.report()


if __name__ == "__main__":
    main()
