AUTH_HEADER = "Bearer " + "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"
# output
import os

AUTH_HEADER = "Bearer " + os.environ["GITHUB_TOKEN"]
