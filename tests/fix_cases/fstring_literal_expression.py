def legacy_headers():
    return {"Authorization": f"Bearer {'Hn3Jm4Kq5Lr6Ms7Nt8Ou9Pv0Qw1Rx2Sy'}"}
# output
import os


def legacy_headers():
    return {"Authorization": f"Bearer {os.environ['API_TOKEN']}"}
