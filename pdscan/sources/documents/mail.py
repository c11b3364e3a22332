"""E-mail: ``.eml`` (the standard library's parser) and Outlook ``.msg`` (extract-msg, the ``msg`` extra).

A mail is a document whose parts are its headers (``header From``, ``header To``...), ``subject`` and ``body``
(the plain-text alternative, or the HTML one turned into text). Each attachment is a document of its own, named
like a zip member (``inbox/hakemus.eml!cv.pdf``) and read by the reader of its type: PDFs, Word files, spreadsheets,
CSV exports, zips and forwarded mails (recursively, :data:`~pdscan.options.ATTACHMENT_DEPTH` deep). An attachment
that cannot be read is one error entry; the mail and its other attachments are still scanned.
"""

from __future__ import annotations

import email
import email.policy
import io
import os
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

from pdscan import options as defaults
from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry
from pdscan.sources.base import IO_ERRORS, FileRef, LimitExceeded, Limits, Table, describe
from pdscan.sources.documents.common import DocumentError, check_zip, needs, read_bounded
from pdscan.sources.documents.passages import DocumentTable, Extractor, Passage, Reading, paragraphs
from pdscan.sources.documents.text import html_to_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file signature of .msg (and .doc, .xls)
# Headers that hold addresses: each address and each display name is a passage of its own, so that "Ava Oneil" is a
# name-shaped value and "ava@example.com" an address, each judged alone.
_ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To", "Return-Path")
# Headers that hold hosts and IP addresses: the mail's route ("from mail.example.fi ([83.145.203.17]) by ..."), one
# passage per header.
_ROUTE_HEADERS = ("Received", "X-Originating-IP")


def eml_tables(ref: FileRef, source: str, depth: int = 0) -> Iterator[Table | ScanErrorEntry]:
    try:
        data = read_bounded(ref)
        # The parser recurses once per nested part: a mail declaring more parts than the limit is refused before
        # it is parsed (a cheap count of part headers), and a RecursionError still left is the depth limit.
        declared = data.lower().count(b"content-type:")
        if declared > ref.limits.mail_max_parts:
            what = f"a mail of {declared:,} MIME parts"
            raise LimitExceeded(what, "mail_max_parts", ref.limits.mail_max_parts)
        try:
            message = email.message_from_bytes(data, policy=email.policy.default)
        except RecursionError:
            depth = ref.limits.mail_max_depth
            raise LimitExceeded(f"MIME parts nested deeper than {depth} levels", "mail_max_depth", depth) from None
        _check_structure(message, ref.limits)
    except DocumentError as exc:
        yield ScanErrorEntry(source, exc.reason, Location(file=ref.name))
        return
    except LimitExceeded as exc:
        yield ScanErrorEntry(source, exc.reason, Location(file=ref.name))
        return
    assert isinstance(message, EmailMessage)
    table = DocumentTable(ref, source, lambda _ref, reading: _eml_passages(message, reading), "mail")
    yield table
    try:
        attachments = list(_eml_attachments(message))
    except Exception as exc:  # noqa: BLE001 - the stdlib parser raises IndexError and more on broken MIME trees
        yield ScanErrorEntry(
            source, f"attachments not read: broken MIME structure ({type(exc).__name__})", table.location
        )
        return
    for name, payload in attachments:
        if payload is None:
            table.info.notes.append(f"attachment {_clean(name)}: its content could not be decoded, not read")
            continue
        yield from attachment_tables(ref, name, payload, source, depth, table)


def _check_structure(message: Message, limits: Limits) -> None:
    """A parsed mail within the part and nesting limits, walked without recursion: the standard library's own walks
    (``get_body``, ``iter_attachments``, header folding) recurse, and a mail of 1,500 nested parts overflows them."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if parts > limits.mail_max_parts:
            what = f"a mail of more than {limits.mail_max_parts:,} MIME parts"
            raise LimitExceeded(what, "mail_max_parts", limits.mail_max_parts)
        if depth > limits.mail_max_depth:
            what = f"MIME parts nested deeper than {limits.mail_max_depth} levels"
            raise LimitExceeded(what, "mail_max_depth", limits.mail_max_depth)
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


def _route_passages(message: Message) -> Iterator[Passage]:
    """The route headers (``Received``: the sender's IP and hosts), one passage per header, white space tidied."""
    for header in _ROUTE_HEADERS:
        for value in message.get_all(header, []):
            text = " ".join(str(value).split())
            if text:
                yield Passage(f"header {header}", text)


def _eml_passages(message: EmailMessage, reading: Reading) -> Iterator[Passage]:
    for header in _ADDRESS_HEADERS:
        for value in message.get_all(header, []):
            yield from addresses(f"header {header}", str(value))
    yield from _route_passages(message)
    if message["Subject"]:
        yield Passage("subject", str(message["Subject"]))
    body = message.get_body(preferencelist=("plain", "html"))
    texts: list[Message] = [body] if body is not None else []
    # Text parts without a file name after the body (a mail client's second text part) are body text too.
    texts += [part for part in _parts(message) if _is_text(part)]
    undecoded = 0
    for part in texts:
        text, decoded = _text_of(part)
        undecoded += not decoded
        yield from paragraphs("body", text)
    if undecoded:
        reading.notes.append(f"{undecoded} text parts could not be decoded as declared: read as UTF-8, bytes replaced")


def addresses(part: str, value: str) -> Iterator[Passage]:
    """The addresses and display names of an address header, each a passage (``Ava Oneil``, ``ava@example.com``).

    What the parser cannot take apart (a group name, a header that is no address list) is one passage as written:
    nothing in the header is lost.
    """
    found = False
    for name, address in getaddresses([value]):
        name, address = " ".join(name.split()), address.strip()
        if name and name.lower() != address.lower():
            found = True
            yield Passage(part, name)
        if address:
            found = True
            yield Passage(part, address)
    text = " ".join(value.split())
    if not found and text:
        yield Passage(part, text)


def _text_of(part: Message) -> tuple[str, bool]:
    """The text of a text part, and whether it decoded as its headers declare."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        decoded = True
    except (LookupError, ValueError, AttributeError):  # an unknown charset or a broken transfer encoding
        content = part.get_payload(decode=True) or b""
        content = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else str(content)
        decoded = False
    text = str(content)
    return (html_to_text(text)[1] if part.get_content_type() == "text/html" else text), decoded


def _is_text(part: Message) -> bool:
    return part.get_content_maintype() == "text" and not part.get_filename()


def _parts(message: EmailMessage) -> list[Message]:
    """The parts after the body (attachments and extra text); a mail that is itself one attachment is that part."""
    if not message.is_multipart():
        return [message] if message.get_content_disposition() == "attachment" and message.get_filename() else []
    return list(message.iter_attachments())


def _eml_attachments(message: EmailMessage) -> Iterator[tuple[str, bytes | None]]:
    """The attachments' names and bytes; None for a part whose content cannot be decoded (noted by the caller)."""
    for number, part in enumerate(_parts(message), 1):
        if _is_text(part):
            continue  # read as body text
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else part.get_payload()
            data = inner.as_bytes() if isinstance(inner, Message) else str(inner).encode()
            yield part.get_filename() or f"forwarded-{number}.eml", data
            continue
        payload = part.get_payload(decode=True)
        yield part.get_filename() or f"attachment-{number}", payload if isinstance(payload, bytes) else None


def msg_tables(ref: FileRef, source: str, depth: int = 0) -> Iterator[Table | ScanErrorEntry]:
    try:
        message = _open_msg(read_bounded(ref))
    except DocumentError as exc:
        yield ScanErrorEntry(source, exc.reason, Location(file=ref.name))
        return
    table = DocumentTable(ref, source, lambda _ref, _reading: _msg_passages(message), "mail")
    yield table
    for number, attachment in enumerate(getattr(message, "attachments", []), 1):
        name = getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None)
        data = getattr(attachment, "data", None)
        if data is None:
            table.info.notes.append(f"attachment {_clean(name or f'attachment-{number}')}: could not be read")
        elif isinstance(data, bytes):
            yield from attachment_tables(ref, name or f"attachment-{number}", data, source, depth, table)
        elif data is not None and hasattr(data, "body"):  # an embedded Outlook message
            inner = FileRef(f"{ref.name}!{name or f'message-{number}.msg'}", ".msg", lambda: io.BytesIO(b""))
            if depth + 1 > defaults.ATTACHMENT_DEPTH:
                yield ScanErrorEntry(source, "attached mails nested too deep, not read", Location(file=inner.name))
                continue
            yield DocumentTable(inner, source, _passages_of(data), "mail")


def _passages_of(message: Any) -> Extractor:
    return lambda _ref, _reading: _msg_passages(message)


def _open_msg(data: bytes) -> Any:
    try:
        import extract_msg
        from extract_msg.exceptions import ExMsgBaseException
    except ImportError as exc:
        raise needs("extract-msg", "Outlook mail (.msg)", extra="msg") from exc
    if not data.startswith(_OLE_MAGIC):
        # extract-msg would take bytes that are no OLE container for a path and open that file instead.
        raise DocumentError("corrupt or unsupported .msg (not an Outlook message file)")
    try:
        return extract_msg.openMsg(data)
    except (ExMsgBaseException, OSError, ValueError, KeyError, IndexError, TypeError, struct.error) as exc:
        # olefile says OSError for a file that is no OLE container; extract-msg has its own exceptions for the rest.
        raise DocumentError(f"corrupt or unsupported .msg ({type(exc).__name__})") from exc


def _msg_passages(message: Any) -> Iterator[Passage]:
    for header, attribute in (("From", "sender"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc")):
        value = getattr(message, attribute, None)
        if value:  # extract-msg lists recipients with "; " between them
            yield from addresses(f"header {header}", str(value).replace(";", ","))
    transport = getattr(message, "header", None)  # the Internet headers an Outlook message kept, if any
    if isinstance(transport, Message):
        for header in ("Reply-To", "Sender"):
            for value in transport.get_all(header, []):
                yield from addresses(f"header {header}", str(value))
        yield from _route_passages(transport)
    subject = getattr(message, "subject", None)
    if subject:
        yield Passage("subject", str(subject))
    body = getattr(message, "body", None)
    if body:
        yield from paragraphs("body", str(body))
    elif getattr(message, "htmlBody", None):
        html = message.htmlBody
        text = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html)
        yield from paragraphs("body", html_to_text(text)[1])


def attachment_tables(
    parent: FileRef, name: str, data: bytes, source: str, depth: int, mail: Table
) -> Iterator[Table | ScanErrorEntry]:
    """The tables of one attachment (or zip member inside one), read by the reader of its type."""
    from pdscan.sources.formats import BY_EXTENSION  # the registry lists this module's formats too

    name = _clean(name)
    display = f"{parent.name}!{name}"
    where = Location(file=display)
    ext = os.path.splitext(name.lower())[1]
    if depth + 1 > defaults.ATTACHMENT_DEPTH:
        yield ScanErrorEntry(source, "attachments nested too deep, not read", where)
        return
    if len(data) > defaults.DOCUMENT_MAX_BYTES:
        yield ScanErrorEntry(source, f"attachment larger than {defaults.DOCUMENT_MAX_BYTES >> 20} MB, not read", where)
        return
    child = FileRef(display, ext, lambda: io.BytesIO(data), size=len(data), ocr=parent.ocr, limits=parent.limits)
    try:
        if ext == ".eml":
            yield from eml_tables(child, source, depth + 1)
        elif ext == ".msg":
            yield from msg_tables(child, source, depth + 1)
        elif ext == ".zip":
            yield from _zip_tables(child, data, source, depth + 1, mail)
        elif ext in BY_EXTENSION:
            yield from BY_EXTENSION[ext].tables(child, source)
        else:
            mail.info.notes.append(f"attachment {name}: type '{ext or '(none)'}' not read")
    except SourceError as exc:
        yield ScanErrorEntry(source, exc.reason, where)
    except IO_ERRORS as exc:
        yield ScanErrorEntry(source, describe(exc), where)
    except Exception as exc:  # noqa: BLE001 - a hostile attachment can make any parser raise anything: one line
        yield ScanErrorEntry(source, f"unreadable attachment ({type(exc).__name__})", where)


def _clean(name: str) -> str:
    """An attachment's name for a report line: a zip member keeps its folders, but nothing in a name may climb out
    of its container, and no control or format character (a newline, a bidi override) reaches a report line."""
    name = "".join("_" if unicodedata.category(c)[0] == "C" else c for c in name)
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")) or "attachment"


def _zip_tables(ref: FileRef, data: bytes, source: str, depth: int, mail: Table) -> Iterator[Table | ScanErrorEntry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        check_zip(archive, "zip")
    except zipfile.BadZipFile:
        yield ScanErrorEntry(source, "corrupt zip archive", Location(file=ref.name))
        return
    except DocumentError as exc:
        yield ScanErrorEntry(source, exc.reason, Location(file=ref.name))
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            where = Location(file=f"{ref.name}!{info.filename}")
            if info.flag_bits & 0x1:
                yield ScanErrorEntry(source, "encrypted zip member (password-protected)", where)
                continue
            try:
                data = archive.read(info)
            except NotImplementedError:  # deflate64, PPMd...
                yield ScanErrorEntry(source, f"unsupported zip compression method {info.compress_type}", where)
                continue
            except IO_ERRORS as exc:
                yield ScanErrorEntry(source, describe(exc), where)
                continue
            yield from attachment_tables(ref, info.filename, data, source, depth, mail)
