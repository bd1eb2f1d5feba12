API_KEY = ("RoeL5pykPTPly5kA"
           "A819bvTpf9dq")
# output
import os

API_KEY = os.environ["API_KEY"]
