"""A small real DNS server on 127.0.0.1 for the domain-proof tests.

It answers TXT questions from a dict and REFUSED (a server failure, to the
resolver) for names listed in ``failing``, so the service's DNS seam is
exercised through dnspython for real, over UDP.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class DnsServer:
    port: int
    txt: dict[str, list[str]] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    questions: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.questions.append(name)
        if name in self.failing:
            response.set_rcode(dns.rcode.REFUSED)
        elif name in self.txt and question.rdtype == dns.rdatatype.TXT:
            values = [f'"{v}"' for v in self.txt[name]]
            response.answer.append(
                dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, "TXT", values)
            )
        elif name not in self.txt:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return bytes(response.to_wire())


@contextmanager
def dns_server() -> Iterator[DnsServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    server = DnsServer(port=sock.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            if not stop.is_set():
                sock.sendto(server.answer(wire), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        # Wake the server now rather than at its next timeout: an empty datagram. Waiting
        # out the 0.2 s timeout cost every test that used the server about 0.1 s.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as waker:
            waker.sendto(b"", ("127.0.0.1", server.port))
        thread.join(timeout=2)
        sock.close()
