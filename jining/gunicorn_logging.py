"""gunicorn's logger with the personal-data filter on its error and access handlers.

bin/start passes ``--logger-class jining.gunicorn_logging.RedactingLogger`` and an access-log format
without the query string (``%(U)s`` is the path alone), so neither log carries ID-card or mobile numbers.
"""

from gunicorn.glogging import Logger

from jining.log_filters import RedactPersonalData


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactPersonalData())
