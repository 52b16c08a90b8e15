"""TLS to MySQL as DATABASE_URL's ssl_mode asks (the ECS stack's RDS MySQL requires it)."""

import ssl

import pytest
from sqlalchemy.engine import make_url

from app.core.mysql_tls import mysql_tls

URL = "mysql+aiomysql://app:pw@db.example.com:3306/app"


def test_no_ssl_mode_leaves_the_connection_as_it_is() -> None:
    url, connect_args = mysql_tls(make_url(URL))
    assert url == make_url(URL)
    assert connect_args == {}


def test_required_encrypts_without_checking_the_certificate() -> None:
    url, connect_args = mysql_tls(make_url(f"{URL}?ssl_mode=REQUIRED"))
    assert url == make_url(URL)  # the driver never sees ssl_mode
    context = connect_args["ssl"]
    assert context.verify_mode == ssl.CERT_NONE
    assert not context.check_hostname


def test_verify_identity_checks_the_certificate_and_the_host() -> None:
    _, connect_args = mysql_tls(make_url(f"{URL}?ssl_mode=VERIFY_IDENTITY"))
    context = connect_args["ssl"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_another_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="ssl_mode must be REQUIRED or VERIFY_IDENTITY"):
        mysql_tls(make_url(f"{URL}?ssl_mode=PREFERRED"))
