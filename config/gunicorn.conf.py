"""gunicorn settings for every tier (make run uses them too).

The access log format deliberately leaves out the client address (%(h)s), the user
agent (%(a)s), the referrer (%(f)s) and the query string (%(q)s is not in %(U)s):
PlainSight writes no visitor IP or user agent anywhere, and search terms must not reach
server logs. The error log goes through ``PrivateLogger``, which removes the client
address gunicorn puts in its "Invalid request from ip=…" warnings and the query string
of a request that failed.
"""

import logging
import os
import re

from gunicorn.glogging import Logger


class _ForgetVisitor(logging.Filter):
    _IP = re.compile(r"\bip=\S+?(?=:? |$)")
    _QUERY = re.compile(r"\?\S*")

    def _clean(self, value: object) -> object:
        if isinstance(value, str):
            return self._QUERY.sub("?…", self._IP.sub("ip=-", value))
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(arg) for arg in record.args)
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, minus visitor addresses and query strings in the error log."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_ForgetVisitor())


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
logger_class = PrivateLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket sits at one path per user ($XDG_RUNTIME_DIR or
# ~/.gunicorn): a second server on the same machine (a test run next to `make run`)
# would take it over. PlainSight does not use it.
control_socket_disable = True
# The name ps and top show for the server processes.
proc_name = "plainsight"
