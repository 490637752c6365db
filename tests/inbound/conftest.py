"""A real IMAP server for the inbound tests: Dovecot on loopback, one per test session.

Each test gets the mailbox ``fixfirst`` emptied and the IMAP settings pointing at it; mails are
delivered with IMAP APPEND, as a mail server's delivery agent would put them there.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "fixfirst", "secret"


def _dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.path.exists(p)), None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.match(r"(\d+)\.(\d+)", out.strip())
    return (int(match.group(1)), int(match.group(2))) if match else (2, 3)


def _existing_user(*names: str) -> pwd.struct_passwd:
    for name in names:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(f"none of the users {names} exists")


def _config(root: Path, port: int, version: tuple[int, int]) -> str:
    if os.geteuid() == 0:
        # Dovecot will not run its helpers, nor deliver mail, as root.
        internal = _existing_user("dovecot", "nobody")
        login = _existing_user("dovenull", "nobody")
        mail = _existing_user("nobody")
    else:
        internal = login = mail = pwd.getpwuid(os.geteuid())
    uid, gid = mail.pw_uid, mail.pw_gid
    (root / "mail").mkdir()
    os.chown(root / "mail", uid, gid)
    common = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
auth_mechanisms = plain
default_internal_user = {internal.pw_name}
default_internal_group = {grp.getgrgid(internal.pw_gid).gr_name}
default_login_user = {login.pw_name}
first_valid_uid = 1
first_valid_gid = 0
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    if version >= (2, 4):
        return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {root}/mail/%{{user}}
passdb passwd-file {{
  passwd_file_path = {root}/passwd
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {root}/mail/%{{user}}
  }}
}}
"""
    return f"""{common}
disable_plaintext_auth = no
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
"""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
    process.kill()
    logged = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"dovecot did not start on port {port}:\n{output}\n{logged}")


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    binary = _dovecot_binary()
    if binary is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    # Not pytest's tmp_path: its parents are private to root, and Dovecot's unprivileged
    # mail user has to reach the maildir.
    root = Path(tempfile.mkdtemp(prefix="ff-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(_config(root, port, _version(binary)))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(port, process, root / "dovecot.log")
        yield ImapServer("127.0.0.1", port, USER, PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


class Inbox:
    """The test's view of the mailbox: put mails in, look at their flags."""

    def __init__(self, server: ImapServer) -> None:
        self.server = server

    def _connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.server.host, self.server.port, timeout=10)
        imap.login(self.server.user, self.server.password)
        imap.select("INBOX")
        return imap

    def append(self, raw: bytes) -> None:
        imap = self._connect()
        try:
            status, data = imap.append("INBOX", None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def unseen_count(self) -> int:
        imap = self._connect()
        try:
            _status, data = imap.uid("SEARCH", "UNSEEN")
            return len(data[0].split())
        finally:
            imap.logout()

    def mark_all_unseen(self) -> None:
        """As if FixFirst had crashed after its commit but before marking the mails seen."""
        imap = self._connect()
        try:
            imap.store("1:*", "-FLAGS.SILENT", r"(\Seen)")
        finally:
            imap.logout()

    def empty(self) -> None:
        imap = self._connect()
        try:
            _status, data = imap.search(None, "ALL")
            if data[0]:
                imap.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                imap.expunge()
        finally:
            imap.logout()


@pytest.fixture
def inbox(imap_server: ImapServer, settings) -> Inbox:
    """An empty INBOX, with FixFirst's IMAP settings pointing at it."""
    settings.IMAP_HOST = imap_server.host
    settings.IMAP_PORT = imap_server.port
    settings.IMAP_USER = imap_server.user
    settings.IMAP_PASSWORD = imap_server.password
    settings.IMAP_SSL = False
    settings.IMAP_FOLDER = "INBOX"
    box = Inbox(imap_server)
    box.empty()
    return box
