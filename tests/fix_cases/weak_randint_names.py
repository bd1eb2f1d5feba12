import random


def send_otp(user, low, high):
    otp_code = random.randint(low, high + 1)
    user.send(f"code: {otp_code}")
    return random.random()
# output
import random
import secrets


def send_otp(user, low, high):
    otp_code = secrets.randbelow((high + 1) - low + 1) + low
    user.send(f"code: {otp_code}")
    return random.random()
