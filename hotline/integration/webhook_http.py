"""The network side of a webhook delivery: which addresses an endpoint may
have, and one POST that keeps to a deadline (docs/api.md, "Webhooks").

A registered URL is a request the server makes on the office's behalf, so it
must not reach what only the server can reach (server-side request forgery):
its own loopback services (Redis, PostgreSQL, the site itself), the cloud's
metadata address, the private network. An endpoint is reached only on
addresses of the public internet, or on what HOTLINE_WEBHOOK_ALLOW names (an
intranet receiver such as a city's 12345 system). The host is checked when it
is registered and again at every connection, against the very addresses the
connection uses: a name that resolves to a public address at registration and
to 127.0.0.1 later (DNS rebinding) is refused, and so are the numeric
spellings of an address (0x7f000001, 2130706433, 127.1), since only resolved
addresses are judged.

No redirect is followed, and a failure is recorded as one of a few generic
words: the delivery record must not tell a closed port from Redis from a
plain-HTTP service, or it is a port scanner.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# What a failed attempt records (and the admin page shows, translated):
# nothing that tells one service from another.
TIMED_OUT = "timed out"
CONNECTION_FAILED = "connection failed"
ADDRESS_REFUSED = "address not allowed"
REDIRECT_REFUSED = "redirect refused"

# Where IPv6 carries an IPv4 address (besides IPv4-mapped ::ffff:0:0/96 and
# 6to4, which the ipaddress module unpacks itself): the well-known NAT64 prefix.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_TEST_RECEIVER = ipaddress.ip_network("127.0.0.1/32")


class Refused(Exception):
    """The host has an address no delivery may go to."""


def public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An address of the public internet: not loopback, private, link-local,
    shared (CGNAT), multicast, reserved or unspecified, however spelled."""
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return public(embedded)
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


@dataclass(frozen=True)
class Allow:
    """HOTLINE_WEBHOOK_ALLOW: networks (CIDR) and host names an endpoint may
    have although they are not on the public internet."""

    networks: tuple = ()
    names: frozenset = field(default_factory=frozenset)

    def trusts(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def permits(self, ip) -> bool:
        return public(ip) or any(ip.version == n.version and ip in n for n in self.networks)


def allow_from(entries) -> Allow:
    networks, names = [], set()
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return Allow(tuple(networks), frozenset(names))


def local_http(url: str, config) -> bool:
    """Plain http://127.0.0.1, for tests and a local receiver, when the
    setting says so (HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP)."""
    parts = urlsplit(url)
    enabled = bool(config.get("HOTLINE_WEBHOOK_ALLOW_LOCAL_HTTP"))
    return enabled and parts.scheme == "http" and parts.hostname == "127.0.0.1"


def allow_for(url: str, config) -> Allow:
    allow = allow_from(config.get("HOTLINE_WEBHOOK_ALLOW") or ())
    if local_http(url, config):  # the one loopback address, and only for this URL
        return Allow(allow.networks + (LOCAL_TEST_RECEIVER,), allow.names)
    return allow


def _port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def checked_addresses(host: str, port: int, allow: Allow) -> list[tuple]:
    """The host's addresses (getaddrinfo), refused when ANY of them is not allowed."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not allow.trusts(host):
        for *_rest, address in found:
            if not allow.permits(ipaddress.ip_address(address[0])):
                raise Refused(host)
    return found


def host_allowed(url: str, allow: Allow) -> bool:
    """At registration. A name that does not resolve yet is accepted: every
    connection checks the addresses again."""
    host = urlsplit(url).hostname or ""
    try:  # an address written out is judged as written, without a lookup
        return allow.permits(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        checked_addresses(host, _port(url), allow)
    except Refused:
        return False
    except (OSError, UnicodeError):  # socket.gaierror: unknown today
        return True
    return True


def address_allowed(url: str, config, own_host: str | None = None) -> bool:
    """At registration: not this site, and no address inside the network."""
    if local_http(url, config):
        return True  # the explicit dev and test allowance
    own = {*config.get("HOTLINE_TRUSTED_HOSTS", ()), config.get("HOTLINE_SITE_NAME"), own_host}
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host in {name.lower().rstrip(".") for name in own if name}:
        return False
    return host_allowed(url, allow_for(url, config))


class _Guarded:
    """connect() resolves the host, checks every address and connects to a
    checked one, with the URL's name kept for the Host header and TLS; cut()
    ends whatever the connection waits for when the deadline passes."""

    def _setup(self, allow: Allow, deadline: float) -> None:
        self.allow, self.deadline = allow, deadline
        self.cut_off = False
        self._fd: int | None = None
        self._lock = threading.Lock()

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0 or self.cut_off:
            raise TimeoutError
        return left

    def _checked_socket(self) -> socket.socket:
        failure: OSError = OSError("no address")
        for family, kind, proto, _name, address in checked_addresses(
            self.host, self.port, self.allow
        ):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self._left())
                sock.connect(address)
            except OSError as error:
                sock.close()
                failure = error
                continue
            with self._lock:
                self._fd = sock.fileno()
            return sock
        raise failure

    def cut(self) -> None:
        with self._lock:
            self.cut_off = True
            if self._fd is None:
                return
            try:  # shut the socket down under every reader (TLS, eventlet) alike
                with socket.socket(fileno=os.dup(self._fd)) as twin:
                    twin.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        with self._lock:
            self._fd = None
            super().close()


class _Http(_Guarded, http.client.HTTPConnection):
    def __init__(self, host, port, allow: Allow, deadline: float):
        super().__init__(host, port)
        self._setup(allow, deadline)

    def connect(self) -> None:
        self.sock = self._checked_socket()


class _Https(_Guarded, http.client.HTTPSConnection):
    def __init__(self, host, port, allow: Allow, deadline: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, context=self.tls)
        self._setup(allow, deadline)

    def connect(self) -> None:
        sock = self._checked_socket()
        sock.settimeout(self._left())
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, allow: Allow, timeout: float):
    """One POST; (HTTP status or None, "" or one of the words above).

    Connecting, TLS, sending and the answer's status and headers all fit in
    `timeout` seconds, however slowly a receiver trickles bytes (the name
    lookup is bounded by the resolver's own timeout). A 3xx is a failure:
    redirects are not followed."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _Https if parts.scheme == "https" else _Http
    connection = kind(parts.hostname, parts.port, allow, time.monotonic() + timeout)
    watchdog = threading.Timer(timeout, connection.cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        status = connection.getresponse().status
        if connection.cut_off:  # the head was cut short: http.client takes EOF as its end
            return None, TIMED_OUT
    except Refused:
        return None, ADDRESS_REFUSED
    except (OSError, http.client.HTTPException, UnicodeError) as failure:
        late = connection.cut_off or isinstance(failure, TimeoutError)
        return None, TIMED_OUT if late else CONNECTION_FAILED
    finally:
        watchdog.cancel()
        connection.close()
    if 300 <= status < 400:
        return status, REDIRECT_REFUSED
    return status, ""
