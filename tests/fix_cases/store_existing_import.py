# flags: --to store
from tokenward import store

OLD_KEY = store.get("OLD_KEY")
METRICS_API_KEY = "Rt6Yh7Uj8Ik9Ol0Pa1Sd2Fg3Hj4Kl5Zx"
# output
from tokenward import store

OLD_KEY = store.get("OLD_KEY")
METRICS_API_KEY = store.get("METRICS_API_KEY")
