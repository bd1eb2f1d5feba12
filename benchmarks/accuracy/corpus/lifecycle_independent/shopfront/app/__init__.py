from flask import Flask
from flask_jwt_extended import JWTManager

from .config import MerchantApiConfig
from .extensions import cache, db, login_manager


def create_app(config_object=MerchantApiConfig) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)

    db.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    JWTManager(app)

    from .api.keys import bp as api_keys_bp
    from .auth.views import bp as auth_bp
    from .catalog.recommend import bp as catalog_bp

    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(api_keys_bp, url_prefix="/merchant/keys")
    app.register_blueprint(catalog_bp)
    return app
