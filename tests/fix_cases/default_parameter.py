def login(session, user="admin", password="lLlGUriAX1DyyXN9iYw1mXJft5is"):
    return session.post("/login", data={"user": user, "password": password})
# output
import os


def login(session, user="admin", password=os.environ["PASSWORD"]):
    return session.post("/login", data={"user": user, "password": password})
