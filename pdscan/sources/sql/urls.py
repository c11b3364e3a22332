"""Database URLs as pdscan shows them: never with a password, in reports, errors or the inventory.

:func:`parse_url` is the one place a database URL the user typed is parsed: everything after it holds a
:class:`~sqlalchemy.engine.URL`, and every message about it names the URL through :func:`mask_url`. A malformed
URL may hold its password anywhere (a one-slash typo, an unescaped ``@`` that puts the password's tail in the host,
a port that is not a number), so what cannot be parsed cleanly is named "an unparsable URL", never by its text.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pdscan.errors import UNPARSABLE_URL, UrlError

# Whitespace and control characters: a URL holding them is malformed, and a masked rendering of it could span lines.
_STRAY = re.compile(r"[\s\x00-\x1f\x7f]")
# Shorter passwords would match ordinary URL text ("db", "5432") in the check below and hide a harmless name.
_CHECKED_PASSWORD = 4


def parse_url(spec: str) -> URL:
    """The user's database URL, parsed and checked, or :class:`~pdscan.errors.UrlError` naming it masked.

    Checks what would otherwise fail later, deep in a driver, with a message that may quote the URL: the form
    (``scheme://...``), the host (an unescaped ``@`` in the password), the port range, the dialect's name, stray
    spaces and control characters.
    """
    try:
        parsed = make_url(spec)
    except (ArgumentError, ValueError, TypeError):
        # `from None`: the parser's own message quotes the part it choked on, which may be the password.
        raise UrlError(UNPARSABLE_URL, _why_unparsable(spec)) from None
    name = mask_url(parsed)
    if spec.count("@") > 1 and ("@" in (parsed.host or "") or "@" in (parsed.database or "")):
        # postgresql://u:p@ss@host/db parses with the host 'ss@host': the password's tail would be shown.
        raise UrlError(UNPARSABLE_URL, _why_unparsable(spec))
    if "@" in (parsed.database or "") and parsed.password is None:
        # postgresql://u/p:secret@host/db parses as host 'u' and database 'p:secret@host/db'.
        raise UrlError(UNPARSABLE_URL, "not user:password@host/database: check the slashes and '@'")
    if _STRAY.search(spec):
        raise UrlError(name, "contains spaces or control characters (URL-encode them: %20)")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise UrlError(name, "port out of range (1-65535)")
    if parsed.port is not None and not parsed.host:
        raise UrlError(name, "a port but no host")
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise UrlError(name, f"unknown database type '{parsed.drivername}'") from None
    except (ImportError, ArgumentError):
        pass  # the dialect exists but its driver is missing: the source says which extra to install
    return parsed


def _why_unparsable(spec: str) -> str:
    """Why a URL does not parse, told from its shape alone: the reason must quote nothing of it."""
    if "://" not in spec:
        return "not a database URL: write scheme://user:password@host/database (one slash missing?)"
    if spec.count("@") > 1:
        return "more than one '@': URL-encode an '@' in the password as %40"
    return "malformed user, host or port: URL-encode ':', '/', '@' and '%' in the password"


def mask_url(url: URL | str) -> str:
    """The URL as text with its password replaced by ``***``; unparsable text is "an unparsable URL"."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError, TypeError):
        return UNPARSABLE_URL
    secret = {k: "***" for k in parsed.query if k.lower() in _SECRET_PARAMETERS}
    if secret:
        parsed = parsed.update_query_dict(secret)
    text = parsed.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
    password = parsed.password if isinstance(parsed.password, str) else None
    if _STRAY.search(text) or (password and len(password) >= _CHECKED_PASSWORD and password in text):
        return UNPARSABLE_URL  # a line break in a name, or a password that got into the host or the path
    return text


# Query parameters that carry credentials (libpq's password, ODBC's PWD, tokens of cloud drivers).
_SECRET_PARAMETERS = frozenset(
    ["password", "pwd", "passwd", "pass", "secret", "token", "access_token", "sslpassword", "api_key", "apikey", "key"]
)
