import random
import string

import factory

from app.models import User

random.seed(1234)


def _random_phone() -> str:
    return "+1555" + "".join(random.choices(string.digits, k=7))


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    phone = factory.LazyFunction(_random_phone)
    password_hash = "x"


def fake_api_token() -> str:
    return "lgr_pat_" + "".join(random.choices(string.ascii_letters, k=43))
