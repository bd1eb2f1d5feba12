CONFIG = {
    "timeout": 30,
    "api_key": "PZHu8qRtZHjQMhuOzE95B9EgE0Vr",
}
# output
import os

CONFIG = {
    "timeout": 30,
    "api_key": os.environ["CONFIG_API_KEY"],
}
