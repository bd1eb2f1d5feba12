import random


def send_login_code(user, sms):
    otp = str(random.randint(100000, 999999))
    sms.send(user.phone, f"Your code: {otp}")
    user.otp = otp
# output
import secrets


def send_login_code(user, sms):
    otp = str(secrets.randbelow(900000) + 100000)
    sms.send(user.phone, f"Your code: {otp}")
    user.otp = otp
