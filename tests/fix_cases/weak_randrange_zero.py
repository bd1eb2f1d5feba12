import random

def reset_code():
    return random.randrange(0, 1000000)
# output
import secrets


def reset_code():
    return secrets.randbelow(1000000)
