"""The SDDL tokenward writes and the judgement of the SDDL Windows gives back: pure text,
tested on every platform (``winsec`` only moves these strings through advapi32)."""

from __future__ import annotations

import pytest

from tokenward.store import acl
from tokenward.store.acl import Ace, Principal, SecurityDescriptor

OWNER = "S-1-5-21-1004336348-1177238915-682003330-1001"
POOL = Principal("IIS AppPool\\MyPool", "S-1-5-82-3006700770-424185619-1745488364-794895919")
SERVICE = Principal("NT SERVICE\\MyApp", "S-1-5-80-1000")


def test_a_file_names_its_owner_and_system_and_is_protected() -> None:
    assert acl.file_sddl(OWNER) == f"O:{OWNER}D:P(A;;FA;;;{OWNER})(A;;FA;;;SY)"


def test_readers_get_read_only() -> None:
    assert acl.file_sddl(OWNER, [POOL, SERVICE]) == (
        f"O:{OWNER}D:P(A;;FA;;;{OWNER})(A;;FA;;;SY)(A;;FR;;;{POOL.sid})(A;;FR;;;S-1-5-80-1000)")


def test_a_folder_hands_owner_and_system_down_and_never_readers() -> None:
    assert acl.folder_sddl(OWNER) == f"O:{OWNER}D:P(A;OICI;FA;;;{OWNER})(A;OICI;FA;;;SY)"


def test_what_tokenward_writes_reads_back_as_it_was_meant() -> None:
    descriptor = acl.parse_sddl(acl.file_sddl(OWNER, [POOL]))
    assert descriptor == SecurityDescriptor(OWNER, True, (
        Ace("A", frozenset(), acl.FILE_ALL_ACCESS, OWNER),
        Ace("A", frozenset(), acl.FILE_ALL_ACCESS, acl.SYSTEM),
        Ace("A", frozenset(), acl.FILE_GENERIC_READ, POOL.sid)))
    assert acl.problems(descriptor, folder=False, readers=[POOL]) == ()


def test_windows_aliases_hex_masks_and_flags_are_read() -> None:
    # As ConvertSecurityDescriptorToStringSecurityDescriptorW writes an inherited DACL.
    text = ("O:BAD:AI(A;ID;FA;;;SY)(A;ID;0x1200a9;;;BU)(A;OICIIOID;GA;;;CO)"
            "(D;;FW;;;WD)")
    descriptor = acl.parse_sddl(text)
    assert descriptor.owner == "S-1-5-32-544"
    assert descriptor.protected is False
    assert descriptor.aces == (
        Ace("A", frozenset({"ID"}), acl.FILE_ALL_ACCESS, acl.SYSTEM),
        Ace("A", frozenset({"ID"}), 0x1200A9, "S-1-5-32-545"),
        Ace("A", frozenset({"OI", "CI", "IO", "ID"}), acl.GENERIC_ALL, acl.CREATOR_OWNER),
        Ace("D", frozenset(), 0x120116, acl.EVERYONE))


def test_no_dacl_means_everyone_has_full_control() -> None:
    descriptor = acl.parse_sddl(f"O:{OWNER}D:NO_ACCESS_CONTROL")
    assert descriptor.aces is None
    assert acl.problems(descriptor, folder=False) == (
        "it has no DACL, so everyone has full control",)


@pytest.mark.parametrize("text", ["", "O:S-1-5D:(", f"O:{OWNER}D:P(A;;QQ;;;SY)", "D:(A;;FA)",
                                  "D:(A;I;FA;;;SY)"])
def test_unreadable_sddl_is_an_error_never_a_pass(text: str) -> None:
    with pytest.raises(acl.SddlError):
        acl.parse_sddl(text)


@pytest.mark.parametrize(("sid", "mask", "problem"), [
    (acl.EVERYONE, acl.FILE_GENERIC_READ, "Everyone (S-1-1-0) has read"),
    ("S-1-5-32-545", 0x1200A9, "BUILTIN\\Users (S-1-5-32-545) has read"),
    ("S-1-5-11", 0x1301BF, "NT AUTHORITY\\Authenticated Users (S-1-5-11) has read, write, "
                           "delete"),
    ("S-1-5-21-9-9-9-500", acl.GENERIC_ALL,
     "S-1-5-21-9-9-9-500 (S-1-5-21-9-9-9-500) has full control"),
    ("S-1-5-32-544", 0x40000, "BUILTIN\\Administrators (S-1-5-32-544) has change permissions"),
])
def test_anyone_else_is_named_with_what_they_may_do(sid: str, mask: int, problem: str) -> None:
    text = f"O:{OWNER}D:P(A;;FA;;;{OWNER})(A;;FA;;;SY)(A;;0x{mask:x};;;{sid})"
    assert acl.problems(acl.parse_sddl(text), folder=False, readers=[POOL]) == (problem,)


def test_a_reader_that_may_write_is_a_problem() -> None:
    text = f"O:{OWNER}D:P(A;;FA;;;{OWNER})(A;;FA;;;SY)(A;;FRFW;;;{POOL.sid})"
    assert acl.problems(acl.parse_sddl(text), folder=False, readers=[POOL]) == (
        "IIS AppPool\\MyPool may only read it, but has read, write",)
    named = {POOL.sid: POOL.name}.get
    found = acl.grants(acl.parse_sddl(text), folder=False, readers=[POOL],
                       name_of=lambda sid: named(sid) or acl.default_name(sid))
    assert [(g.name, g.rights) for g in found] == [(OWNER, "full control"),
                                                   ("NT AUTHORITY\\SYSTEM", "full control"),
                                                   ("IIS AppPool\\MyPool", "read, write")]


def test_a_reader_of_the_settings_but_not_of_this_file_is_anyone_else() -> None:
    text = f"O:{OWNER}D:P(A;;FA;;;{OWNER})(A;;FA;;;SY)(A;;FR;;;{POOL.sid})"
    assert acl.problems(acl.parse_sddl(text), folder=False, readers=()) == (
        f"{POOL.sid} ({POOL.sid}) has read",)


def test_entries_for_one_account_add_up_and_denials_do_not_count() -> None:
    text = (f"O:{OWNER}D:P(D;;FA;;;{acl.EVERYONE})(A;;FA;;;{OWNER})(A;;0x1;;;WD)"
            "(A;;0x2;;;WD)")
    assert acl.problems(acl.parse_sddl(text), folder=False) == (
        "Everyone (S-1-1-0) has read, write",)


def test_inherit_only_entries_count_on_a_folder_not_on_a_file() -> None:
    text = f"O:{OWNER}D:P(A;OICI;FA;;;{OWNER})(A;OICI;FA;;;SY)(A;OICIIO;FR;;;BU)"
    assert acl.problems(acl.parse_sddl(text), folder=False) == ()
    assert acl.problems(acl.parse_sddl(text), folder=True) == (
        "BUILTIN\\Users (S-1-5-32-545) has read",)


def test_creator_owner_and_owner_rights_stand_for_the_owner() -> None:
    text = f"O:{OWNER}D:P(A;OICIIO;FA;;;CO)(A;;FA;;;OW)(A;;FA;;;SY)"
    assert acl.problems(acl.parse_sddl(text), folder=True) == ()


@pytest.mark.parametrize(("mask", "words"), [
    (acl.FILE_ALL_ACCESS, "full control"), (acl.GENERIC_ALL, "full control"),
    (acl.FILE_GENERIC_READ, "read"), (acl.GENERIC_READ | acl.GENERIC_WRITE, "read, write"),
    (0x10000, "delete"), (0x80000, "take ownership"), (0x100080, "attributes only (0x100080)"),
])
def test_rights_in_words(mask: int, words: str) -> None:
    assert acl.describe(mask) == words
