DATABASE_URL = "postgres://app:CLDUdvdr0UwfMpf5rg7wOojmCUuB@db.internal:5432/app"
# output
import os

DATABASE_URL = f"postgres://app:{os.environ['DATABASE_PASSWORD']}@db.internal:5432/app"
