"""gunicorn settings for every tier (make run uses them too).

The access log format deliberately leaves out the client address (%(h)s), the user
agent (%(a)s), the referrer (%(f)s) and the query string (%(q)s is not in %(U)s):
PlainSight writes no visitor IP or user agent anywhere, and search terms must not reach
server logs.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Do not advertise the server software.
proc_name = "plainsight"
