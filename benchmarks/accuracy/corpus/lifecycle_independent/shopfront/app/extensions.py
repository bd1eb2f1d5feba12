import os

import redis
from flask_caching import Cache
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
cache = Cache()
login_manager = LoginManager()
mail = Mail()

store = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
