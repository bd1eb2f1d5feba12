import os

GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
HEADERS = {"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"}
# output
import os

GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
HEADERS = {"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"}
