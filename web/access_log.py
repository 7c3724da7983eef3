"""The access log without query strings: a GET's query string holds the
document and its variables (case numbers, names, one-time codes), which a log
must not keep. Installed on uvicorn's access logger by the app's lifespan."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class QueryStringFilter(logging.Filter):
    """Replaces the query string of each access-log line by its length."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, mark, query = args[2].partition("?")
            if mark:
                shown = f"{path}?<{len(query)} characters>"
                record.args = (args[0], args[1], shown, args[3], args[4])
        return True


def install() -> None:
    """Once per process: the filter on uvicorn's access logger."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
        logger.addFilter(QueryStringFilter())
