from os import environ as env

REGION = env.get("REGION", "eu-west-1")
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI7K7MDENGbPxRfiCYz3kQ9vB"
# output
from os import environ as env

REGION = env.get("REGION", "eu-west-1")
AWS_SECRET_ACCESS_KEY = env["AWS_SECRET_ACCESS_KEY"]
