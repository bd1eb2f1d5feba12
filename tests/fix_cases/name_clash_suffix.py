import pymysql


def orders_db():
    return pymysql.connect(host="orders", password="Xc4Vb5Nm6Lk7Jh8Gf9Ds0Aq1Zw2Ex3Rc")


def users_db():
    return pymysql.connect(host="users", password="Yt5Gb6Hn7Uj8Mi9Ko0Lp1Qa2Ws3Ed4Rf")
# output
import os

import pymysql


def orders_db():
    return pymysql.connect(host="orders", password=os.environ["DB_PASSWORD"])


def users_db():
    return pymysql.connect(host="users", password=os.environ["DB_PASSWORD_2"])
