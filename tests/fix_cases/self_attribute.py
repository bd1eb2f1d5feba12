import smtplib


class Mailer:
    def __init__(self, host):
        self.host = host
        self.password = "jOugM1yTMAd7V3DnI8lFPPwtV5AS"

    def connect(self):
        server = smtplib.SMTP_SSL(self.host)
        server.login("noreply", self.password)
        return server
# output
import os
import smtplib


class Mailer:
    def __init__(self, host):
        self.host = host
        self.password = os.environ["MAILER_PASSWORD"]

    def connect(self):
        server = smtplib.SMTP_SSL(self.host)
        server.login("noreply", self.password)
        return server
