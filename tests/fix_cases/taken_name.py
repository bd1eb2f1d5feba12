# flags: --taken MAILGUN_API_KEY=some-other-value
MAILGUN_API_KEY = "Op9Iu8Yt7Re6We5Qa4Sd3Fg2Hj1Kl0Zx"
# output
import os

MAILGUN_API_KEY = os.environ["MAILGUN_API_KEY_2"]
