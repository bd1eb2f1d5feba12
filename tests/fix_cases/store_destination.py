# flags: --to store
"""Billing."""
import json

BILLING_API_KEY = "Nb7Vc6Xz5Lk4Jh3Gf2Ds1Aq0Wp9Eo8Ri"
# output
"""Billing."""
import json

import tokenward.store

BILLING_API_KEY = tokenward.store.get("BILLING_API_KEY")
