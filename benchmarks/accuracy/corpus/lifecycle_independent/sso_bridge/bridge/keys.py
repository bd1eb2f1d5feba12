import json
import os
from functools import lru_cache

from joserfc.jwk import KeySet, RSAKey


@lru_cache
def signing_key() -> RSAKey:
    with open(os.environ["BRIDGE_SIGNING_KEY_PATH"], "rb") as fh:
        return RSAKey.import_key(fh.read(), {"kid": os.environ.get("BRIDGE_KEY_ID", "bridge-1")})


@lru_cache
def upstream_keys() -> KeySet:
    with open(os.environ["BRIDGE_UPSTREAM_JWKS_PATH"]) as fh:
        return KeySet.import_key_set(json.load(fh))
