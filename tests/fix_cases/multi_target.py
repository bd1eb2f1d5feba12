API_KEY = DEFAULT_API_KEY = "cUgxM9ZZ810pkf6Xlx8RtCqtD1GD"
# output
import os

API_KEY = DEFAULT_API_KEY = os.environ["API_KEY"]
