"""TW303 untimed-serializer."""

from __future__ import annotations

import textwrap

from tests.helpers import fired, scan_snippet, through_screen
from tokenward.rules.untimed_serializer import RULE


def lines(code: str, path: str = "app/example.py") -> list[int]:
    return fired(scan_snippet(textwrap.dedent(code).lstrip("\n"), path, [RULE]), RULE.id)


def test_untimed_serializers_used_for_auth() -> None:
    code = """
        import itsdangerous
        from itsdangerous import Serializer, URLSafeSerializer

        api_serializer = Serializer("k", salt="api-auth")
        confirm_serializer = URLSafeSerializer("k")
        plain = itsdangerous.Signer("k")

        def generate_confirmation_token(email):
            return confirm_serializer.dumps(email)

        def issue(user):
            user.reset_token = plain.sign(str(user.id))
        """
    assert lines(code) == [4, 5, 6]


def test_untimed_serializers_for_data_are_fine() -> None:
    code = """
        from itsdangerous import URLSafeSerializer

        cursor_serializer = URLSafeSerializer("k", salt="pagination")

        def next_page(cursor):
            return cursor_serializer.dumps({"after": cursor})

        def unsubscribe_link(user):
            s = URLSafeSerializer("k", salt="unsubscribe")
            return s.dumps(user.id)
        """
    assert lines(code) == []


def test_timed_loads_without_max_age() -> None:
    code = """
        from itsdangerous import TimestampSigner, URLSafeTimedSerializer

        invites = URLSafeTimedSerializer("k", salt="invite")

        def get_serializer():
            return URLSafeTimedSerializer("k")

        def accept(token):
            a = invites.loads(token)
            b = invites.loads(token, max_age=None)
            c = get_serializer().loads(token)
            d = TimestampSigner("k").unsign(token)
            e = invites.loads(token, max_age=3600)
            f = invites.loads(token, 3600)
            return a, b, c, d, e, f
        """
    assert lines(code) == [9, 10, 11, 12]


def test_django_signing() -> None:
    code = """
        from django.core import signing

        def reset_password(request, token):
            return signing.loads(token)

        def prefs(cookie):
            return signing.loads(cookie, salt="prefs")

        def activation(token):
            return signing.loads(token, salt="account-activation", max_age=86400)
        """
    assert lines(code) == [4]


def test_django_session_data_is_not_a_token() -> None:
    code = """
        from django.core import signing

        class SessionBase:
            def decode(self, session_data):
                return signing.loads(session_data, salt=self.key_salt)
        """
    assert lines(code) == []


def test_signature_checked_first_then_age_on_the_same_value() -> None:
    """healthchecks hc/integrations/email/views.py:97: ``signer.unsign(signed)`` checks the
    signature, then ``signer.unsign(signed, max_age=300)`` reads the age: not a finding.
    Another value read without a max_age still is."""
    code = textwrap.dedent("""
        from django.core import signing

        def opt_out(request, signed, other):
            signer = signing.TimestampSigner(salt="session-link")
            value = signer.unsign(signed)
            try:
                signer.unsign(signed, max_age=300)
            except signing.SignatureExpired:
                pass
            return value, signer.unsign(other)
        """).lstrip("\n")
    findings = scan_snippet(code, "app/views.py", [RULE])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (10, 19, "signer.unsign: called without max_age")]


def test_a_local_untimed_serializer_is_reported_where_it_reads_once_per_flaw() -> None:
    code = """
        from itsdangerous import URLSafeSerializer

        def make_unlock_link(secret, user):
            s = URLSafeSerializer(secret, salt="account-unlock")
            return "/unlock/" + s.dumps(user.id)

        def read_unlock_link(secret, value):
            s = URLSafeSerializer(secret, salt="account-unlock")
            return s.loads(value)

        def make_invite(secret, team):
            s = URLSafeSerializer(secret, salt="team-invite")
            return s.dumps(team.id)
        """
    hits = scan_snippet(textwrap.dedent(code).lstrip("\n"), "app/example.py", [RULE])
    # The minting local at 4 shares its salt with the read at 9: one flaw, reported where
    # the token is accepted; the invite (salt read nowhere in this file) keeps its own.
    assert [(f.span.line, f.span.column, f.message) for f in hits] == [
        (9, 12, "s.loads: reads URLSafeSerializer tokens, which never expire"),
        (12, 9, "URLSafeSerializer: its tokens never expire"),
    ]


_SCREENED_OUT = """
from django.core import signing

def preview(request):
    value = signing.dumps({"page": request.GET["page"]})
    return signing.Signer(salt="password-reset").sign(value)
"""


def _scanned(code: str) -> tuple[list[tuple[int, int, str]], bool]:
    return through_screen(RULE, code)


def test_a_file_building_no_serializer_the_rule_judges_is_not_parsed_for_tw303() -> None:
    # ``signing`` is spelled (the prefilter lets the file in), but Django's plain Signer
    # and dumps are not what the rule judges: the ast screen keeps the file from libcst.
    assert _scanned(_SCREENED_OUT) == ([], False)


def test_the_screen_lets_each_serializer_the_rule_judges_through() -> None:
    loads = '    token = signing.loads(request.GET["token"], salt="password-reset")\n'
    assert _scanned(_SCREENED_OUT + loads) == (
        [(6, 13, "signing.loads: called without max_age")], True)
    # The import makes line 5's signer itsdangerous' untimed one.
    untimed = "from itsdangerous import Signer\nsigning = None\n"
    assert _scanned(_SCREENED_OUT.replace("signing.Signer", "Signer") + untimed) == (
        [(5, 12, "Signer: its tokens never expire")], True)
