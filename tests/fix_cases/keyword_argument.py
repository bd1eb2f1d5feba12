import psycopg2


def open_db():
    return psycopg2.connect(host="db.internal", user="shop", password="thpZPPPP6UeP3C4DSA7Lc360a9Y6")
# output
import os

import psycopg2


def open_db():
    return psycopg2.connect(host="db.internal", user="shop", password=os.environ["DB_PASSWORD"])
