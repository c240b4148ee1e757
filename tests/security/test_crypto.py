"""Restricted fields: ciphertext at rest, masked reprs, and key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from casetracker.crypto import UndecryptableError, decrypt, encrypt
from people.models import AuditEntry, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

KEY_OLD, KEY_NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw(column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_restricted_value_is_ciphertext_in_the_database_and_plaintext_in_python():
    person = PersonFactory(relatives="Aunt Fakename, +00 000 000")
    stored = raw("relatives", person.pk)
    assert "Fakename" not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert Person.objects.get(pk=person.pk).relatives == "Aunt Fakename, +00 000 000"


def test_equal_values_give_different_ciphertexts():
    a = PersonFactory(relatives="same")
    b = PersonFactory(relatives="same")
    assert raw("relatives", a.pk) != raw("relatives", b.pk)


def test_a_restricted_value_never_shows_in_a_repr():
    person = Person.objects.get(pk=PersonFactory(private_contact="secret@fake").pk)
    assert "secret" not in repr(person.private_contact)
    assert "secret" not in repr({"contact": person.private_contact})
    assert str(person.private_contact) == "secret@fake"


def test_empty_restricted_values_stay_empty():
    person = PersonFactory()
    assert raw("relatives", person.pk) == ""
    assert Person.objects.get(pk=person.pk).relatives == ""


def test_filtering_on_a_restricted_field_is_an_error_not_a_silent_miss():
    with pytest.raises(FieldError):
        list(Person.objects.filter(relatives="x"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(relatives__icontains="x"))


def test_dumpdata_never_writes_restricted_plaintext(capsys):
    PersonFactory(relatives="Uncle Fakename")
    call_command("dumpdata", "people.person")
    out = capsys.readouterr().out
    assert "Fakename" not in out
    assert "•••" in out


def test_a_value_encrypted_with_an_unknown_key_gives_a_clear_error(settings):
    settings.CASETRACKER_FIELD_KEYS = [KEY_OLD]
    token = encrypt("x")
    settings.CASETRACKER_FIELD_KEYS = [KEY_NEW]
    with pytest.raises(UndecryptableError, match="rotate_field_keys"):
        decrypt(token)


def test_key_rotation_reencrypts_everything_and_lets_the_old_key_go(settings, capsys):
    settings.CASETRACKER_FIELD_KEYS = [KEY_OLD]
    people = [PersonFactory(relatives=f"relative {i}", private_contact=f"c{i}") for i in range(7)]
    before = {p.pk: raw("relatives", p.pk) for p in people}

    settings.CASETRACKER_FIELD_KEYS = [KEY_NEW, KEY_OLD]
    assert Person.objects.get(pk=people[0].pk).relatives == "relative 0"  # old still readable
    call_command("rotate_field_keys", "--batch-size", "3")
    assert "people.Person: 14 value(s) re-encrypted" in capsys.readouterr().out

    new_fernet, old_fernet = Fernet(KEY_NEW.encode()), Fernet(KEY_OLD.encode())
    for person in people:
        token = raw("relatives", person.pk)
        assert token != before[person.pk]
        assert new_fernet.decrypt(token.encode()) == f"relative {people.index(person)}".encode()
        with pytest.raises(Exception):  # noqa: B017 (InvalidToken: not under the old key)
            old_fernet.decrypt(token.encode())

    settings.CASETRACKER_FIELD_KEYS = [KEY_NEW]  # the old key is removed
    assert [Person.objects.get(pk=p.pk).private_contact for p in people] == [
        f"c{i}" for i in range(7)
    ]
    rotation = AuditEntry.objects.get(changes__reason="key rotation", model="people.person")
    assert rotation.username == "system:rotate_field_keys"
    assert rotation.changes["values"] == 14


def test_key_rotation_twice_changes_nothing_the_second_time(settings, capsys):
    settings.CASETRACKER_FIELD_KEYS = [KEY_OLD]
    person = PersonFactory(relatives="r")
    settings.CASETRACKER_FIELD_KEYS = [KEY_NEW, KEY_OLD]
    call_command("rotate_field_keys")
    token = raw("relatives", person.pk)
    call_command("rotate_field_keys")
    assert raw("relatives", person.pk) == token
    assert "people.Person: 0 value(s) re-encrypted" in capsys.readouterr().out


def test_new_key_prints_a_usable_fernet_key(capsys):
    call_command("rotate_field_keys", "--new-key")
    Fernet(capsys.readouterr().out.strip().encode())
