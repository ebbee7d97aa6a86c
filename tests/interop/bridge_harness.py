"""Starts `maillab bridge` on a scenario for an interop test and finds its ports.

The bridge runs with --base-port 0 (the system picks free ports, so tests can run side by side)
and --ports-file, which it writes (atomically) once every real socket is open. A test asks
`bridge.port("mail.example.org", "smtp-submission")` and connects to 127.0.0.1 there.
"""
import atexit
import email
import imaplib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def scratch_directory(prefix):
    """A temporary directory removed when this test process exits (MAILLAB_KEEP_TMP=1 keeps it
    for a look after a failure): a ctest run left dozens behind in /tmp."""
    directory = tempfile.mkdtemp(prefix=prefix)
    if not os.environ.get("MAILLAB_KEEP_TMP"):
        atexit.register(shutil.rmtree, directory, True)
    return directory


class Bridge:
    def __init__(self, maillab, scenario="scenarios/bridge-lab.yaml", run_for="120s", extra=()):
        self.directory = scratch_directory("maillab-bridge-")
        self.ports_file = os.path.join(self.directory, "ports.json")
        self.log_path = os.path.join(self.directory, "trace.txt")
        self.log = open(self.log_path, "wb")
        # The servers speak real TLS; this is the world's CA that signs their certificates.
        self.ca_file = os.path.join(self.directory, "world-ca.pem")
        if "--ca-file" in extra:
            self.ca_file = extra[list(extra).index("--ca-file") + 1]
        else:
            extra = ("--ca-file", self.ca_file, *extra)
        command = [maillab, "bridge", os.path.join(SOURCE_DIR, scenario), "--base-port", "0",
                   "--ports-file", self.ports_file, "--for", run_for, *extra]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=SOURCE_DIR)
        deadline = time.time() + 30
        while not os.path.exists(self.ports_file):
            if self.process.poll() is not None:
                raise RuntimeError("maillab bridge exited with %d:\n%s" % (self.process.returncode, self.output()))
            if time.time() > deadline:
                self.process.kill()
                raise RuntimeError("maillab bridge wrote no ports file within 30 s:\n" + self.output())
            time.sleep(0.05)
        with open(self.ports_file) as f:
            self.table = json.load(f)

    def tls_context(self):
        """A client context that trusts the world's CA (and checks the name, 127.0.0.1)."""
        return ssl.create_default_context(cafile=self.ca_file)

    def subjects(self, host, user, password):
        """The Subject of every message in `user`'s INBOX on `host`, read over IMAPS (993)."""
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port(host, "imaps"), ssl_context=self.tls_context(), timeout=15)
        try:
            imap.login(user, password)
            imap.select("INBOX", readonly=True)
            _, numbers = imap.search(None, "ALL")
            found = []
            for number in numbers[0].split():
                _, data = imap.fetch(number, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                found.append(str(email.message_from_bytes(data[0][1])["Subject"]))
            return found
        finally:
            imap.logout()

    def wait_for_subject(self, host, user, password, subject, timeout=60):
        """True once a message with `subject` is in `user`'s INBOX: the mail really arrived."""
        try:
            return wait_until(lambda: subject in self.subjects(host, user, password), timeout=timeout, interval=0.3,
                              what="%r in %s's INBOX on %s" % (subject, user, host))
        except AssertionError:
            return False

    def port(self, host, service):
        """The local port of a served (host, service): "dns" is 53/udp, "dns-tcp" 53/tcp."""
        for entry in self.table["ports"]:
            if entry["host"] == host and entry["service"] == service:
                return entry["local_port"]
        raise KeyError("%s %s not served; ports: %s" % (host, service, self.table["ports"]))

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        """Ctrl-C the bridge; returns (exit code, its whole output)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode, self.output()


def wait_until(condition, timeout=30.0, interval=0.2, what="condition"):
    """Polls `condition()` until it returns something true; fails the test after `timeout`."""
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


class Checks:
    """Counts named checks and prints each, so the ctest log reads like a report."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.passed = 0

    def check(self, condition, label, detail=""):
        if condition:
            self.passed += 1
            print("PASS  " + label)
        else:
            self.failures.append(label)
            print("FAIL  " + label + (": " + str(detail) if detail != "" else ""))
        sys.stdout.flush()
        return condition

    def finish(self, bridge):
        """Stops the bridge (Ctrl-C) and checks it ended cleanly; returns its output (the trace)."""
        code, self.output = bridge.stop()
        self.check(code == 0, "bridge exits 0 after Ctrl-C", code)
        self.check("messages: accepted" in self.output, "bridge prints the summary line at the end")
        return self.output

    def report(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, len(self.failures)))
        if self.failures:
            print("--- bridge output (last 60 lines) ---")
            print("\n".join(getattr(self, "output", "").splitlines()[-60:]))
            sys.exit(1)


def start_client_test(name, program):
    """Checks and a started bridge (MAILLAB is argv[1]) for a test of the real client `program`,
    which must be installed: scripts_common.sh installs every one, so a missing one is a failure."""
    if not shutil.which(program):
        print("FAIL  %s is not installed (scripts_common.sh installs it: ./test.sh)" % program)
        sys.exit(1)
    return Checks(name), Bridge(sys.argv[1])
