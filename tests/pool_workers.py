"""Stand-ins for the document pool's worker functions (tests/engines/test_document_pool.py): a worker imports this
module by name to unpickle them, so it imports little beside the pool itself."""

from __future__ import annotations

import os
import signal

from pdscan.sources.documents.pool import Job, Record, read_document


def killing_reader(job: Job) -> Record:
    """A reader that crashes its process on one document, as a parser's C code or the OOM killer can."""
    if "kaatuu" in job.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return read_document(job)


def dying_start() -> None:
    """A worker that cannot start."""
    os._exit(3)
