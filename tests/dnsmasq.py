"""A real DNS server for the tests: Debian's dnsmasq on a free loopback port.

The ``dns_server`` fixture (root ``conftest.py``) starts one per test and points
``DNS_RESOLVERS`` at it. It answers only the records the test sets, and NXDOMAIN for every
other name (``--local=/#/``: no upstream, no /etc/hosts), so nothing leaves the machine.

    dns_server.set_txt("_mosaic-verify.example.org", "mosaic-verify=abc")
    dns_server.set_cname("www.shop.example", "sites.mosaic.test")
    dns_server.set_host("sites.mosaic.test", "127.0.0.9")

dnsmasq re-reads only its hosts files on SIGHUP, never ``--txt-record`` or ``--cname``, so a
change restarts it on the same port (a few milliseconds). A restart is finished when the server
answers the ``serial.dnsmasq.test`` TXT record of the new configuration, so a test never sees
the old records after ``set_*`` returns. dnsmasq serves a CNAME only when it knows its target:
give the target a ``set_host`` too.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import dns.nameserver
import dns.resolver

from tests.processes import wait_for

DNSMASQ = "/usr/sbin/dnsmasq"
SERIAL_NAME = "serial.dnsmasq.test"


def free_udp_and_tcp_port() -> int:
    """A loopback port free for both UDP and TCP (DNS answers on both)."""
    while True:
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


class DnsServer:
    def __init__(self, log: Path) -> None:
        if not Path(DNSMASQ).exists():
            raise RuntimeError(f"{DNSMASQ} is missing: run `make test`, which installs it")
        self.port = free_udp_and_tcp_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log = log
        self.conf = log.with_suffix(".conf")
        self.txt: dict[str, list[str]] = {}
        self.cnames: dict[str, str] = {}
        self.hosts: dict[str, list[str]] = {}
        self.serial = 0
        self.process: subprocess.Popen[bytes] | None = None

    # --- records -----------------------------------------------------------------------------

    def set_txt(self, name: str, *values: str) -> None:
        """Replace the TXT records at ``name`` (no values: remove them all)."""
        self._set(self.txt, name, list(values))

    def set_cname(self, name: str, target: str | None) -> None:
        """Point ``name`` at ``target`` (None: remove the CNAME)."""
        self._set(self.cnames, name, target)

    def set_host(self, name: str, *addresses: str) -> None:
        """Give ``name`` these A/AAAA addresses (none: remove them)."""
        self._set(self.hosts, name, list(addresses))

    def _set(self, table: dict, name: str, value: object) -> None:
        name = name.rstrip(".").lower()
        if value:
            table[name] = value
        else:
            table.pop(name, None)
        self.restart()

    # --- process -----------------------------------------------------------------------------

    def command(self) -> list[str]:
        return [
            DNSMASQ,
            "--keep-in-foreground",
            f"--port={self.port}",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--no-resolv",
            "--no-hosts",
            "--local=/#/",  # every name not set here: NXDOMAIN, never asked upstream
            "--pid-file=",
            "--cache-size=0",
            "--log-facility=-",
            f"--conf-file={self.conf}",
        ]

    def write_conf(self) -> None:
        """The records, in a configuration file: only there does dnsmasq read a quoted TXT
        value as one string (on the command line a comma always starts a new string)."""
        lines = [f"txt-record={SERIAL_NAME},{self.serial}"]
        for name, values in self.txt.items():
            lines += [f"txt-record={name},{_quoted(value)}" for value in values]
        for name, addresses in self.hosts.items():
            lines += [f"host-record={name},{address}" for address in addresses]
        lines += [f"cname={name},{target}" for name, target in self.cnames.items()]
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self) -> None:
        self.serial += 1
        self.write_conf()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT)
        wait_for(self._answers_current_serial, what="dnsmasq to answer", timeout=20, log=self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _answers_current_serial(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise AssertionError(f"dnsmasq exited:\n{self.log.read_text(errors='replace')}")
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", self.port)]
        resolver.lifetime = 0.3
        try:
            answer = resolver.resolve(SERIAL_NAME, "TXT")
        except dns.exception.DNSException:
            return False
        return any(b"".join(record.strings) == str(self.serial).encode() for record in answer)


def _quoted(value: str) -> str:
    """A TXT value as one string for dnsmasq's configuration file: quoted, commas inside."""
    if any(char in value for char in '"\\\n'):
        raise ValueError("the test server takes TXT values without quotes, backslashes, newlines")
    return f'"{value}"'
