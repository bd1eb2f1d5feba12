def dsn(host, db):
    return f"postgresql://shop:GXNwAMnEYYnWLeEdpomsCpFqPlpE@{host}:5432/{db}"
# output
import os


def dsn(host, db):
    return f"postgresql://shop:{os.environ['SHOP_PASSWORD']}@{host}:5432/{db}"
