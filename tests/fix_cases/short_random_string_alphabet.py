from django.utils.crypto import get_random_string


def activation_key():
    activation_key = get_random_string(10)
    return activation_key


def sms_code():
    sms_code = get_random_string(length=6, allowed_chars="0123456789")
    return sms_code
# output
from django.utils.crypto import get_random_string


def activation_key():
    activation_key = get_random_string(43)
    return activation_key


def sms_code():
    sms_code = get_random_string(length=6, allowed_chars="0123456789")
    return sms_code
