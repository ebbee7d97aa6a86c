"""neomutt (GnuTLS) through the bridge with its default TLS settings, trusting the world's CA
(ssl_ca_certificates_file): it sends in batch mode (`neomutt -n -F RC -s SUBJECT TO < body`,
no terminal) over smtps:// on 465 and smtp:// on 587 (STARTTLS: ssl_starttls is its default),
and reads alice's INBOX over imaps:// (993), imap:// on 143 (STARTTLS) and pops:// (995).

Reading needs neomutt's screen, so it runs on a pseudo-terminal with pushed keys:
`-f MAILBOX -e 'push "<copy-message>FILE<enter><quit>"'` copies the first message to a file and
quits; nothing waits for a person. Sent mail must arrive (read back over IMAPS), and the copied
message must be the welcome message. Without the CA file, neomutt sends nothing.

usage: neomutt_interop.py MAILLAB
"""
import os
import pty
import re
import select
import subprocess
import time

from bridge_harness import start_client_test, scratch_directory

ORG = "mail.example.org"
WELCOME = "Welcome to the bridge lab"


def write_rc(directory, name, ca_file, lines):
    path = os.path.join(directory, name + ".neomuttrc")
    common = ['set folder = "%s"' % directory,  # not ~/Mail: no "create it?" question
              'set header_cache = ""', 'set message_cachedir = ""', 'set record = ""',
              'set certificate_file = "%s"' % os.path.join(directory, "certificates")]
    if ca_file:
        common.append('set ssl_ca_certificates_file = "%s"' % ca_file)
    with open(path, "w") as rc:
        rc.write("\n".join(common + lines) + "\n")
    return path


def run_on_terminal(command, directory, timeout=45):
    """Runs `command` on a pseudo-terminal until it exits; returns (exit status, screen bytes)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm", HOME=directory)
        os.execvp(command[0], command)
    screen, deadline, status = b"", time.time() + timeout, None
    while status is None:
        if time.time() > deadline:
            os.kill(pid, 9)
        if select.select([fd], [], [], 0.2)[0]:
            try:
                screen += os.read(fd, 65536)
            except OSError:
                pass
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
    os.close(fd)
    return status, screen


def send(directory, ca_file, url, subject, recipient):
    rc = write_rc(directory, "send", ca_file, ['set smtp_url = "%s"' % url, 'set smtp_pass = "alice-pass"',
                                                'set from = "alice@example.org"', 'set use_from = yes'])
    return subprocess.run(["neomutt", "-n", "-F", rc, "-s", subject, "--", recipient],
                          input="sent by neomutt_interop.py\n", capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, HOME=directory))


def read_first(directory, ca_file, url, user, password):
    """Opens `url` as alice and copies its first message to a file; returns (status, file text)."""
    copy = os.path.join(directory, "copied-%d.mbox" % time.monotonic_ns())
    settings = ['set imap_user = "%s"' % user, 'set imap_pass = "%s"' % password,
                'set pop_user = "%s"' % user, 'set pop_pass = "%s"' % password,
                'set confirmcreate = no', 'set confirmappend = no', 'set mbox_type = mbox',
                'set quit = yes', 'set move = no', 'set delete = no']
    rc = write_rc(directory, "read", ca_file, settings)
    status, _ = run_on_terminal(["neomutt", "-n", "-F", rc, "-f", url,
                                 "-e", 'push "<copy-message>%s<enter><quit>"' % copy], directory)
    return status, open(copy).read() if os.path.exists(copy) else ""


def main():
    checks, bridge = start_client_test("neomutt interop", "neomutt")
    directory = scratch_directory("maillab-neomutt-")
    ca = bridge.ca_file
    try:
        for url, label in (("smtps://alice@127.0.0.1:%d/" % bridge.port(ORG, "smtps"), "smtps:// on 465"),
                           ("smtp://alice@127.0.0.1:%d/" % bridge.port(ORG, "smtp-submission"),
                            "smtp:// on 587 (STARTTLS)")):
            subject = "neomutt " + label
            result = send(directory, ca, url, subject, "carol@example.net")
            checks.check(result.returncode == 0, "neomutt sends over " + label + ": exit 0", result.stderr[-400:])
            checks.check(bridge.wait_for_subject("mail.example.net", "carol", "carol-pass", subject),
                         "neomutt over " + label + ": the message arrived in carol's INBOX")

        checks.check(bridge.wait_for_subject(ORG, "alice", "alice-pass", WELCOME), "the welcome message is in alice's INBOX")
        for scheme, service in (("imaps", "imaps"), ("imap", "imap"), ("pops", "pop3s")):
            url = "%s://alice@127.0.0.1:%d/%s" % (scheme, bridge.port(ORG, service), "INBOX" if "imap" in scheme else "")
            status, copied = read_first(directory, ca, url, "alice", "alice-pass")
            label = "neomutt reads %s://" % scheme + (" (STARTTLS)" if scheme == "imap" else "")
            checks.check(status == 0 and WELCOME in copied, label + ": the welcome message", (status, copied[-300:]))
        # The STARTTLS the imap:// session really used, as the trace recorded it: the command, the
        # server's tagged OK (RFC 3501 §6.2.1), then a TLS session.
        trace = bridge.output()
        command = re.search(r"protocol +bridge -> mail\.example\.org +IMAP +(\S+) STARTTLS$", trace, re.M)
        answered = command and re.search(r"IMAP +%s OK.*\n(.*\n)*.*TLS established" % re.escape(command.group(1)),
                                         trace[command.end():])
        checks.check(answered, "trace: neomutt's imap:// session went through STARTTLS (tagged OK, then TLS)")

        result = send(directory, None, "smtps://alice@127.0.0.1:%d/" % bridge.port(ORG, "smtps"), "neomutt untrusted",
                      "carol@example.net")
        checks.check(result.returncode != 0, "neomutt without the world's CA does not send", result.stderr[-300:])
    finally:
        checks.finish(bridge)
    checks.report()


if __name__ == "__main__":
    main()
