"""Database URLs as pdscan shows them: never with a password, in reports, errors or the inventory."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


def mask_url(url: URL | str) -> str:
    """The URL as text with its password replaced by ``***``; unparsable text is reduced to its scheme."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        scheme = str(url).split("://", 1)[0]
        return f"{scheme}://***"
    secret = {k: "***" for k in parsed.query if k.lower() in _SECRET_PARAMETERS}
    if secret:
        parsed = parsed.update_query_dict(secret)
    return parsed.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


# Query parameters that carry credentials (libpq's password, ODBC's PWD, tokens of cloud drivers).
_SECRET_PARAMETERS = frozenset(
    ["password", "pwd", "passwd", "pass", "secret", "token", "access_token", "sslpassword", "api_key", "apikey", "key"]
)
