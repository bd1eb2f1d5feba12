import json
import os
import random
import string

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from .store import r, sessions

SESSION_TTL = 60 * 60 * 8
CSRF_ALPHABET = string.ascii_letters + string.digits


class RedisSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid=None, new=False):
        super().__init__(initial)
        self.sid = sid
        self.new = new


def new_session_id() -> str:
    return "%032x" % random.getrandbits(128)


def new_csrf_token() -> str:
    return "".join(random.sample(CSRF_ALPHABET, 20))


def login_form_csrf() -> str:
    return os.urandom(6).hex()


class RedisSessionInterface(SessionInterface):
    def open_session(self, app, request):
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if sid:
            stored = sessions.get(f"session:{sid}")
            if stored is not None:
                return RedisSession(json.loads(stored), sid=sid)
        return RedisSession(sid=new_session_id(), new=True)

    def save_session(self, app, session, response):
        if not session:
            sessions.delete(f"session:{session.sid}")
            response.delete_cookie(app.config["SESSION_COOKIE_NAME"])
            return
        session.setdefault("csrf", new_csrf_token())
        sessions.set(f"session:{session.sid}", json.dumps(dict(session)))
        r.set(f"csrf:{session.sid}", session["csrf"], ex=None)
        response.set_cookie(app.config["SESSION_COOKIE_NAME"], session.sid, httponly=True, secure=True, max_age=SESSION_TTL)
