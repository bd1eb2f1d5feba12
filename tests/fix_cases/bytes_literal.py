import hmac

WEBHOOK_SIGNING_SECRET = b"QIOOZslLWftjRFAcZFsynMnxcqbvfFF76fg627dK"


def sign(body):
    return hmac.new(WEBHOOK_SIGNING_SECRET, body, "sha256").hexdigest()
# output
import hmac
import os

WEBHOOK_SIGNING_SECRET = os.environ["WEBHOOK_SIGNING_SECRET"].encode()


def sign(body):
    return hmac.new(WEBHOOK_SIGNING_SECRET, body, "sha256").hexdigest()
