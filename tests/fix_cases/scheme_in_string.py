HEADERS = {"Authorization": "Bearer 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"}
# output
import os

HEADERS = {"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"}
