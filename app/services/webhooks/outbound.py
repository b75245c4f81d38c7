"""Outbound HTTP to addresses given by agencies: only http(s), only public hosts, no redirects.

The address is resolved once, every resolved IP is checked, and the connection goes to a
checked IP (with the Host header and TLS name of the URL), so a DNS answer that changes
between the check and the connection (rebinding) cannot point a request inside the network.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.services.errors import Invalid


class Refused(Exception):
    """The URL may not be called (scheme, host or address); the message says why."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Địa chỉ phải bắt đầu bằng http:// hoặc https:// và có tên máy chủ."))
    if parts.username or parts.password:
        raise Refused(_("Địa chỉ không được chứa tên đăng nhập hay mật khẩu."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(_("Cổng trong địa chỉ không hợp lệ.")) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, str, int, str, str]:
    """Check `url` and resolve it: (scheme, host, port, path, ip to connect to); Refused if not allowed."""
    scheme, host, port, path = _target(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(_("Không tìm thấy máy chủ %(host)s.", host=host)) from None
    ips = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not current_app.config["WEBHOOK_ALLOW_PRIVATE"] and not all(_public(ip) for ip in ips):
        raise Refused(_("Máy chủ %(host)s trỏ tới địa chỉ nội bộ hoặc dành riêng; không gửi tới đó.",
                        host=host))
    return scheme, host, port, path, str(ips[0])


def check_url(url: str, field: str = "url") -> str:
    """The URL as given, when it may be used; Invalid with a Vietnamese reason otherwise."""
    url = (url or "").strip()
    if not url or len(url) > 2000:
        raise Invalid(_("Địa chỉ nhận không hợp lệ."),
                      {field: [_("Nhập địa chỉ http(s) tối đa 2000 ký tự.")]})
    try:
        resolve(url)
    except Refused as exc:
        raise Invalid(_("Địa chỉ nhận không hợp lệ."), {field: [str(exc)]}) from None
    return url


class _Pinned(http.client.HTTPConnection):
    def __init__(self, ip: str, *args, **kw):
        super().__init__(*args, **kw)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, ip: str, *args, **kw):
        super().__init__(*args, context=ssl.create_default_context(), **kw)
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body`; a redirect is an answer like any other (never followed). Refused or OSError."""
    scheme, host, port, path, ip = resolve(url)
    timeout = current_app.config["WEBHOOK_TIMEOUT"]
    conn = (_PinnedTLS if scheme == "https" else _Pinned)(ip, host, port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        text = answer.read(4096).decode("utf-8", "replace")  # enough for an error message
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, text)
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
