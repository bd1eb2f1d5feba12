PRIMARY_API_KEY = "Ui8Kj7Hg6Fd5Sa4Qw3Er2Ty1Zx0Cv9Bn"


def fallback():
    PRIMARY_API_KEY = "Ui8Kj7Hg6Fd5Sa4Qw3Er2Ty1Zx0Cv9Bn"
    return PRIMARY_API_KEY
# output
import os

PRIMARY_API_KEY = os.environ["PRIMARY_API_KEY"]


def fallback():
    PRIMARY_API_KEY = os.environ["PRIMARY_API_KEY"]
    return PRIMARY_API_KEY
