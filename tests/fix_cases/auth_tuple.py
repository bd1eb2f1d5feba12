import requests


def report():
    return requests.get("https://ci.internal/api", auth=("deploy", "Zm1Xn2Cb3Vq4Wr5Et6Yu7Io8Pa9Sd0Fg"))
# output
import os

import requests


def report():
    return requests.get("https://ci.internal/api", auth=("deploy", os.environ["DEPLOY_PASSWORD"]))
