"""Read a multipart body refused for its size: its text fields, and how much each file weighed.

Nothing of a file is kept, only counted, so this costs the time the upload takes and a few
kilobytes. The text fields are what the person typed: the form can come back filled in,
saying which file was too big. Reading the body to its end matters too: a server that
answers while an upload is still arriving and then closes the connection makes the browser
show a network error instead of the answer.
"""

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

CHUNK = 64 * 1024


@dataclass
class Peeked:
    fields: MultiDict = field(default_factory=MultiDict)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (input name, file name, bytes)


def _chunks(stream):
    while chunk := stream.read(CHUNK):
        yield chunk
    yield None  # the decoder's "end of body"


def peek(stream, boundary: bytes, *, max_field: int, max_parts: int = 1000) -> Peeked | None:
    """Return the body's text fields and file sizes, or None if it is not well-formed multipart."""
    decoder = MultipartDecoder(boundary, max_form_memory_size=max_field, max_parts=max_parts)
    out, part, value, size = Peeked(), None, bytearray(), 0
    try:
        for chunk in _chunks(stream):
            decoder.receive_data(chunk)
            event = decoder.next_event()
            while not isinstance(event, Epilogue | NeedData):
                if isinstance(event, Field | File):
                    part, value, size = event, bytearray(), 0
                elif isinstance(event, Data) and part is not None:
                    size += len(event.data)
                    if isinstance(part, Field):
                        if size > max_field:
                            return None
                        value += event.data
                    if not event.more_data:
                        if isinstance(part, File):
                            out.files.append((part.name, part.filename, size))
                        else:
                            out.fields.add(part.name, value.decode("utf-8", "replace"))
                        part = None
                event = decoder.next_event()
            if isinstance(event, Epilogue):
                return out
    except (ValueError, RequestEntityTooLarge):  # broken, or more parts than any form has
        return None
    return None
