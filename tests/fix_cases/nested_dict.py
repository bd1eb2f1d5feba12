DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "PASSWORD": "bBGI09QYNdaKy8isWydfhl3Tvtny",
    },
}
# output
import os

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "PASSWORD": os.environ["DATABASES_PASSWORD"],
    },
}
