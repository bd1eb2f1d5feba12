import requests

GITHUB_TOKEN = "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"  # CI bot


def repos():
    return requests.get("https://api.github.com/user/repos",
                        headers={"Authorization": f"token {GITHUB_TOKEN}"})
# output
import os

import requests

GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]  # CI bot


def repos():
    return requests.get("https://api.github.com/user/repos",
                        headers={"Authorization": f"token {GITHUB_TOKEN}"})
