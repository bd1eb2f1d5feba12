"""Payment settings.

Loaded once at start-up.
"""

PAYMENT_API_TOKEN = "Tz8yX3wV6uT1sR9qP4oN7mL2kJ5iH0gF"
# output
"""Payment settings.

Loaded once at start-up.
"""

import os

PAYMENT_API_TOKEN = os.environ["PAYMENT_API_TOKEN"]
