import os


class Settings:
    DEBUG = False
    SECRET_KEY = "KLiMcVbpT4r5yHUig43kiJfahqSI"
# output
import os


class Settings:
    DEBUG = False
    SECRET_KEY = os.environ["SECRET_KEY"]
