from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Agent(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)


class ApiToken(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    agent_id = db.Column(db.Integer, db.ForeignKey("agent.id"), nullable=False)
    scopes = db.Column(db.String(255), nullable=False)
    digest = db.Column(db.String(64), unique=True, nullable=False)
    expires_at = db.Column(db.DateTime(timezone=True))


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    subject = db.Column(db.String(200), nullable=False)
    requester_email = db.Column(db.String(255), nullable=False)
    status = db.Column(db.String(20), default="open")
    guest_key = db.Column(db.String(64), unique=True)
    reply_token = db.Column(db.String(64), unique=True)
    share_token = db.Column(db.String(64), unique=True)
    share_expires_at = db.Column(db.DateTime(timezone=True))
    opened_at = db.Column(db.Float)
