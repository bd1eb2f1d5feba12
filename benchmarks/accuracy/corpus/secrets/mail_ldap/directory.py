"""Directory lookups and outbound mail for the HR portal."""
from __future__ import annotations

import ftplib
import os
import smtplib
from email.message import EmailMessage

import ldap
import paramiko
from ldap3 import ALL, Connection, Server

LDAP_URL = "ldaps://dc01.corp.example:636"
BIND_DN = "cn=svc-hrportal,ou=services,dc=corp,dc=example"
BIND_PASSWORD = "WEoj0orXlw-Woi1m0t"
SMTP_HOST = "smtp.corp.example"
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")


def directory() -> Connection:
    server = Server(LDAP_URL, get_info=ALL)
    return Connection(server, user=BIND_DN, password="l!hIqQBIsJj0sXYA", auto_bind=True)


def legacy_directory():
    conn = ldap.initialize("ldaps://dc02.corp.example")
    conn.simple_bind_s(BIND_DN, "p^~I-^?t-UV?1Og7HShq")
    return conn


def anonymous_directory():
    conn = ldap.initialize("ldaps://dc02.corp.example")
    conn.simple_bind_s("", "")
    return conn


def send(msg: EmailMessage) -> None:
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:
        smtp.starttls()
        smtp.login("hr-portal@corp.example", "i+V!P8xV2bsqekq5*-")
        smtp.send_message(msg)


def send_env(msg: EmailMessage) -> None:
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:
        smtp.starttls()
        smtp.login("hr-portal@corp.example", SMTP_PASSWORD)
        smtp.send_message(msg)


def payroll_upload(path: str) -> None:
    ssh = paramiko.SSHClient()
    ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
    ssh.connect("sftp.payroll.example", username="corp-upload", password="1DksZCS@~lumIlUI")
    ssh.open_sftp().put(path, f"/incoming/{os.path.basename(path)}")


def legacy_ftp(path: str) -> None:
    with ftplib.FTP_TLS("ftp.benefits.example") as ftp:
        ftp.login(user="corp", passwd="P!o4SSwqlu-b67O@vDh1")
        with open(path, "rb") as fh:
            ftp.storbinary(f"STOR {os.path.basename(path)}", fh)
