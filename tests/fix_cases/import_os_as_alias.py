import os as _os

HOME = _os.path.expanduser("~")
SLACK_SIGNING_SECRET = "8f3kD9sL2qW7eR4tY1uI6oP0aZ5xC3vB"
# output
import os as _os

HOME = _os.path.expanduser("~")
SLACK_SIGNING_SECRET = _os.environ["SLACK_SIGNING_SECRET"]
