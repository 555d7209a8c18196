"""Writing files whole or not at all, for the conversion scripts (standard library only)."""
import os
import tempfile


def write_whole(path, text):
    """Write text as UTF-8 to path via a temporary file in the same folder.

    os.replace is atomic within one file system, so a failed run never
    leaves a half-written file. The new file takes the old one's mode (or
    the umask's default) rather than the temporary file's private 0600.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
