"""TLS to MySQL / MariaDB as DATABASE_URL asks for it (app.core.db hands it the URL)."""

import ssl
from typing import Any

from sqlalchemy.engine import URL


def mysql_tls(url: URL) -> tuple[URL, dict[str, Any]]:
    """TLS as the URL's ``ssl_mode`` asks, in MySQL's own client's terms: REQUIRED encrypts
    without checking the server's certificate (a managed server whose authority the image does
    not trust), VERIFY_IDENTITY checks the certificate and the host name. (URL, connect args)"""
    mode = url.query.get("ssl_mode")
    if mode is None:
        return url, {}
    context = ssl.create_default_context()
    if mode == "REQUIRED":
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif mode != "VERIFY_IDENTITY":
        msg = f"ssl_mode must be REQUIRED or VERIFY_IDENTITY, not {mode!r}"
        raise ValueError(msg)
    return url.difference_update_query(["ssl_mode"]), {"ssl": context}
