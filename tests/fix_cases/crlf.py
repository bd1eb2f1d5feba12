import requests

API_TOKEN = "Lk8Jh7Gf6Ds5Aq4Zx3Cv2Bn1Mm0Po9Iu"


def get(url):
    return requests.get(url, headers={"X-Api-Key": API_TOKEN})
# output
import os

import requests

API_TOKEN = os.environ["API_TOKEN"]


def get(url):
    return requests.get(url, headers={"X-Api-Key": API_TOKEN})
