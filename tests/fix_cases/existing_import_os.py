import os
import sys

DEBUG = os.environ.get("DEBUG") == "1"
SENDGRID_API_KEY = "Hy6tR3eW9qA2sD5fG8hJ1kL4zX7c"
# output
import os
import sys

DEBUG = os.environ.get("DEBUG") == "1"
SENDGRID_API_KEY = os.environ["SENDGRID_API_KEY"]
