"""Fetching a picture from Telegram, refusing files over the limit before downloading them."""

from telegram import Document, PhotoSize
from telegram.error import BadRequest

_BYTES_PER_MB = 1_000_000  # Telegram's "20 MB" download limit is 20e6 bytes


async def download(attachment: PhotoSize | Document, limit_mb: int) -> bytes | None:
    """The file's bytes, or None when it is larger than `limit_mb` (and was not downloaded).

    The size in the update is checked first, then the one getFile reports; Telegram itself
    answers getFile for a file over its limit with "file is too big".
    """
    limit = limit_mb * _BYTES_PER_MB
    if attachment.file_size is not None and attachment.file_size > limit:
        return None
    try:
        file = await attachment.get_file()
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            return None
        raise
    if file.file_size is not None and file.file_size > limit:
        return None
    return bytes(await file.download_as_bytearray())
