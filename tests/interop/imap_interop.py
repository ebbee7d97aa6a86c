"""imaplib against the simulated IMAP server through the bridge: alice finds the welcome
message, reads it, flags it, files a copy in a new folder and expunges the original; then she
files a message with an attachment and reads it back part by part (BODYSTRUCTURE).

usage: imap_interop.py MAILLAB
"""
import base64
import email
import email.message
import email.policy
import email.utils
import imaplib
import time
import sys

from bridge_harness import Bridge, Checks, wait_until

WELCOME_BODY = ["Hello alice,", "this message crossed the simulated Internet.", ".leading dot line", "-- carol"]


def main():
    checks = Checks("imap interop")
    bridge = Bridge(sys.argv[1])
    port = bridge.port("mail.example.org", "imap")
    try:
        imap = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        checks.check("IMAP4REV1" in imap.capabilities, "greeting capabilities include IMAP4rev1", imap.capabilities)
        try:
            imap.login("alice", "wrong")
            checks.check(False, "a wrong password is refused")
        except imaplib.IMAP4.error as refused:
            checks.check("AUTHENTICATIONFAILED" in str(refused), "wrong password: NO [AUTHENTICATIONFAILED]",
                         refused)
        status, _ = imap.login("alice", "alice-pass")
        checks.check(status == "OK", "LOGIN alice: OK", status)

        status, folders = imap.list()
        names = [f.decode() for f in folders]
        checks.check(status == "OK" and any(n.endswith(" INBOX") or n.endswith(' "INBOX"') for n in names),
                     "LIST shows INBOX", names)

        def inbox_count():
            status, data = imap.select("INBOX")
            return status == "OK" and int(data[0]) >= 1

        wait_until(inbox_count, timeout=30, interval=0.3, what="the welcome message in alice's INBOX")
        status, data = imap.select("INBOX")
        checks.check(status == "OK" and data == [b"1"], "SELECT INBOX: 1 EXISTS", data)

        status, data = imap.search(None, "ALL")
        checks.check(data == [b"1"], "SEARCH ALL: 1", data)
        status, data = imap.search(None, "UNSEEN")
        checks.check(data == [b"1"], "SEARCH UNSEEN: 1 (nobody has read it)", data)
        status, data = imap.search(None, "SUBJECT", '"bridge lab"')
        checks.check(data == [b"1"], "SEARCH SUBJECT \"bridge lab\": 1", data)

        status, data = imap.fetch("1", "(FLAGS)")
        checks.check(status == "OK" and b"\\Seen" not in data[0], "FETCH FLAGS: not \\Seen yet", data)
        status, data = imap.fetch("1", "(ENVELOPE)")
        envelope = data[0]
        checks.check(b'"Welcome to the bridge lab"' in envelope, "FETCH ENVELOPE: the subject", envelope)
        checks.check(b'("carol" NIL "carol" "example.net")' in envelope or b'(NIL NIL "carol" "example.net")' in envelope,
                     "FETCH ENVELOPE: the sender carol@example.net as an address structure", envelope)

        status, data = imap.fetch("1", "(RFC822)")
        raw = data[0][1]
        parsed = email.message_from_bytes(raw)
        checks.check(parsed["Subject"] == "Welcome to the bridge lab", "FETCH RFC822: the welcome message")
        body = raw.split(b"\r\n\r\n", 1)[1].decode().rstrip("\r\n").split("\r\n")
        checks.check(body == WELCOME_BODY, "FETCH RFC822: body as sent (leading dot intact)", body)
        checks.check(any(b"\\Seen" in (item if isinstance(item, bytes) else item[0]) for item in data),
                     "FETCH RFC822 sets \\Seen (RFC 3501 §6.4.5)", data)

        # The bridge runs on the real clock: the server's Received line is dated today, like the
        # real client's own Date: header would be.
        received = parsed.get_all("Received")[0]
        stamped = email.utils.parsedate_to_datetime(received.rsplit(";", 1)[1].strip())
        checks.check(abs(time.time() - stamped.timestamp()) < 3600,
                     "Received is dated now (the bridge's clock is the real one)", received)

        status, data = imap.store("1", "+FLAGS", "(\\Flagged)")
        checks.check(status == "OK" and b"\\Flagged" in data[0] and b"\\Seen" in data[0],
                     "STORE +FLAGS (\\Flagged): \\Seen \\Flagged", data)
        status, data = imap.store("1", "+FLAGS", "(\\Seen)")
        checks.check(status == "OK", "STORE +FLAGS (\\Seen): OK", data)
        status, data = imap.search(None, "SEEN")
        checks.check(data == [b"1"], "SEARCH SEEN: 1", data)

        status, _ = imap.create("Archive")
        checks.check(status == "OK", "CREATE Archive: OK", status)
        status, data = imap.copy("1", "Archive")
        checks.check(status == "OK", "COPY 1 Archive: OK", data)
        status, data = imap.store("1", "+FLAGS", "(\\Deleted)")
        status, data = imap.expunge()
        checks.check(status == "OK" and data == [b"1"], "EXPUNGE: message 1 expunged", data)
        status, data = imap.select("INBOX")
        checks.check(data == [b"0"], "INBOX is empty now", data)
        status, data = imap.status("Archive", "(MESSAGES UNSEEN)")
        checks.check(status == "OK" and b"MESSAGES 1" in data[0] and b"UNSEEN 0" in data[0],
                     "STATUS Archive: 1 message, already seen (flags copied)", data)
        status, data = imap.select("Archive", readonly=True)
        status, data = imap.fetch("1", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        checks.check(b"Welcome to the bridge lab" in data[0][1] and b"\\Flagged" in data[0][0],
                     "the copy in Archive keeps subject and \\Flagged", data)

        # A message with an attachment, as a mail program would file it (UIDPLUS APPENDUID, RFC 4315),
        # then read back part by part (BODYSTRUCTURE, BODY[n], BODY[n.MIME]: RFC 3501 §6.4.5).
        attached = bytes(range(256)) * 4
        composed = email.message.EmailMessage()
        composed["From"] = "alice@example.org"
        composed["To"] = "bob@example.org"
        composed["Subject"] = "Figures attached"
        composed.set_content("The figures are attached.\n")
        composed.add_attachment(attached, maintype="application", subtype="octet-stream", filename="figures.bin")
        status, data = imap.append("Archive", None, None, composed.as_bytes(policy=email.policy.SMTP))
        checks.check(status == "OK" and b"[APPENDUID " in data[0], "APPEND: OK [APPENDUID validity uid]", data)
        status, data = imap.select("Archive", readonly=True)
        status, data = imap.fetch("2", "(BODYSTRUCTURE)")
        structure = data[0]
        checks.check(status == "OK" and b'"MIXED"' in structure and b'("TEXT" "PLAIN"' in structure,
                     "FETCH BODYSTRUCTURE: multipart/mixed with a text/plain part", structure)
        checks.check(b'"APPLICATION" "OCTET-STREAM"' in structure and b'"BASE64"' in structure and
                     b'("ATTACHMENT" ("FILENAME" "figures.bin"))' in structure,
                     "FETCH BODYSTRUCTURE: the attachment, base64, with its disposition and file name", structure)
        status, data = imap.fetch("2", "(BODY.PEEK[2])")
        checks.check(status == "OK" and base64.b64decode(data[0][1]) == attached,
                     "FETCH BODY.PEEK[2]: the attachment's bytes decode to what was attached")
        status, data = imap.fetch("2", "(BODY.PEEK[2.MIME] BODY.PEEK[1]<0.9>)")
        fetched = b"".join(item[1] for item in data if isinstance(item, tuple))
        checks.check(b"Content-Disposition: attachment" in fetched and b"The figur" in fetched,
                     "FETCH BODY.PEEK[2.MIME] and a partial BODY.PEEK[1]<0.9>", data)

        status, data = imap.logout()
        checks.check(status == "BYE", "LOGOUT: BYE", status)

        # 993 is implicit TLS (RFC 8314): a verified handshake with the world's CA first.
        imaps = imaplib.IMAP4_SSL("127.0.0.1", bridge.port("mail.example.org", "imaps"), timeout=10,
                                  ssl_context=bridge.tls_context())
        status, _ = imaps.login("bob", "bob-pass")
        checks.check(status == "OK", "LOGIN bob on 993: OK", status)
        imaps.logout()
    finally:
        output = checks.finish(bridge)
    checks.check("IMAP" in output and "bridge -> mail.example.org" in output, "trace shows the IMAP dialogue")
    checks.report()


if __name__ == "__main__":
    main()
