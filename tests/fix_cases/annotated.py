from typing import Final

API_SECRET: Final[str] = "Pq7sL2vX9mK4nR8tW3yZ6bC1dF5g"
# output
import os
from typing import Final

API_SECRET: Final[str] = os.environ["API_SECRET"]
