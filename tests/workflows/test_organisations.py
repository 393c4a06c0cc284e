"""Organisations you can edit: add, edit, rename with history, merge and switch off — on SQLite
and PostgreSQL — and a rename never changes a letter already issued."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import IssuedLetter
from usrg_desktop.domain.directory import Body, City, OrganisationName, Person
from usrg_desktop.domain.grants import Application, RoundAdmittedBody
from usrg_desktop.domain.meetings import HostVolunteer, Meeting
from usrg_desktop.workflows import Actor, EditConflict, FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.directory import listings as directory
from usrg_desktop.workflows.directory import organisation_merge as om
from usrg_desktop.workflows.directory import organisations as org
from usrg_desktop.workflows.grants import rounds
from usrg_desktop.workflows.letters import issuing as wl

from .test_letters import fund, text_of  # noqa: F401 - the fixture is used by name

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
STAFF = Actor(None, "Nomsa Dlamini", "secretariat")
COORD = Actor(None, "Ṱhalitshani Nemaṱhaṋi", "coordinator")


def ngo(**changes) -> dict:
    values = {
        "official_name": "Violence Prevention through Urban Upgrading Trust",
        "short_name": "VPUU",
        "name_in_sentence": "",
        "postal_address": "PO Box 123\nObservatory\n7935",
        "physical_address": "1 Main Road\nObservatory, Cape Town",
        "switchboard": "021 447 1000",
        "main_contact_id": None,
        "body_kind": "NGO",
        "role_in_usrg": "works with the City of Cape Town on safety",
    }
    values.update(changes)
    return values


def city_values(**changes) -> dict:
    values = {
        "official_name": "Polokwane Local Municipality",
        "short_name": "Polokwane",
        "name_in_sentence": "",
        "postal_address": "",
        "physical_address": "",
        "switchboard": "",
        "main_contact_id": None,
        "municipal_code": "lim354",
        "province": "Limpopo",
        "category": "intermediate city",
        "seat": "Polokwane",
        "member_since": date(2026, 1, 1),
    }
    values.update(changes)
    return values


def events(session, kind: str, org_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == kind, AuditEvent.entity_id == org_id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_body_is_added_with_every_detail_and_shown(any_db):
    with any_db.unit_of_work() as s:
        body_id = org.save_organisation(s, kind="body", values=ngo(), actor=STAFF, now=NOW)
    with any_db.reading() as s:
        detail = org.organisation_detail(s, "body", body_id)
        assert org.organisation_named(s, "vpuu") == ("body", body_id)
        assert events(s, "body", body_id) == ["create"]
    assert detail["official_name"] == "Violence Prevention through Urban Upgrading Trust"
    assert detail["name_in_sentence"] == "VPUU"  # an acronym is called by it
    assert detail["postal_address"] == "PO Box 123\nObservatory\n7935"
    assert detail["switchboard"] == "021 447 1000"
    assert detail["body_kind"] == "NGO" and detail["active"] is True
    assert detail["past_names"] == []
    assert ("VPUU", "NGO") in [(r[0], r[2]) for r in directory.body_listing(any_db).rows]


def test_a_city_is_added_with_a_sentence_name_made_from_its_official_name(any_db):
    with any_db.unit_of_work() as s:
        city_id = org.save_organisation(s, kind="city", values=city_values(), actor=STAFF, now=NOW)
        city = s.get(City, city_id)
        assert city.municipal_code == "LIM354"
        assert city.name_in_sentence == "the Polokwane Local Municipality"
    with any_db.reading() as s:
        assert (city_id, "Polokwane") in org.active_choices(s, "city")


def test_every_wrong_field_is_named_and_nothing_is_written(any_db):
    before = any_db.rows("SELECT COUNT(*) FROM bodies")[0][0]
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as s:
        org.save_organisation(
            s,
            kind="body",
            values=ngo(
                official_name="  ",
                short_name="salga",
                switchboard="call us",
                body_kind="",
                postal_address="\n".join(f"line {n}" for n in range(8)),
                main_contact_id=999_999,
            ),
            actor=STAFF,
            now=NOW,
        )
    errors = refused.value.errors
    assert errors["official_name"] == "Give the official name, as the organisation writes it."
    assert errors["short_name"] == "The short name 'salga' is already used by SALGA."
    assert errors["switchboard"].startswith("The switchboard 'call us' is not a telephone number")
    assert errors["body_kind"].startswith("Say what kind of body it is")
    assert errors["postal_address"] == "The postal address has 8 lines; keep it to 6."
    assert errors["main_contact_id"] == "The main contact is not a person in the directory."
    assert any_db.rows("SELECT COUNT(*) FROM bodies")[0][0] == before
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as s:
        org.save_organisation(
            s,
            kind="city",
            values=city_values(
                official_name="eThekwini Metropolitan Municipality",
                municipal_code="EKU",
                province="Gauteng Province",
                member_since=date(2027, 1, 1),
            ),
            actor=STAFF,
            now=NOW,
        )
    errors = refused.value.errors
    assert errors["official_name"] == (
        "'eThekwini Metropolitan Municipality' is already the official name of eThekwini."
    )
    assert errors["municipal_code"] == "The municipal code EKU is already Ekurhuleni's."
    assert errors["province"] == "Choose the province the city is in."
    assert errors["member_since"] == "A city cannot have joined the USRG after today."


def test_only_the_secretariat_or_an_administrator_changes_organisations(any_db):
    with (
        pytest.raises(PermissionDenied, match="secretariat or an administrator"),
        any_db.unit_of_work() as s,
    ):
        org.save_organisation(s, kind="body", values=ngo(), actor=COORD, now=NOW)


def test_a_rename_keeps_the_old_names_with_their_days(any_db):
    with any_db.unit_of_work() as s:
        kind, eku = org.organisation_named(s, "Ekurhuleni")
        seen = org.organisation_fields(s, kind, eku)["seen_version"]
        org.rename_organisation(
            s,
            kind=kind,
            org_id=eku,
            official_name="City of Ekurhuleni Metropolitan Municipality (renamed)",
            short_name="Ekurhuleni Metro",
            name_in_sentence="the Ekurhuleni Metro",
            effective_on=date(2026, 7, 1),
            seen_version=seen,
            actor=STAFF,
            now=NOW,
        )
    with any_db.unit_of_work() as s:
        org.rename_organisation(
            s,
            kind="city",
            org_id=eku,
            official_name="City of Ekurhuleni Metropolitan Municipality",
            short_name="Ekurhuleni",
            actor=STAFF,
            now=NOW,
        )
        detail = org.organisation_detail(s, "city", eku)
        assert events(s, "city", eku) == ["rename", "rename"]
    assert detail["short_name"] == "Ekurhuleni"
    assert detail["name_in_sentence"] == "the City of Ekurhuleni"
    latest, first = detail["past_names"]
    assert latest["short_name"] == "Ekurhuleni Metro"
    assert (latest["used_from"], latest["used_to"]) == (date(2026, 7, 1), date(2026, 11, 24))
    assert first["official_name"] == "City of Ekurhuleni Metropolitan Municipality"
    assert first["name_in_sentence"] == "the City of Ekurhuleni"
    assert (first["used_from"], first["used_to"]) == (None, date(2026, 6, 30))
    # The same names again, a day before the last rename, or a day to come: refused.
    for kwargs, field in (
        ({"official_name": "City of Ekurhuleni Metropolitan Municipality"}, "official_name"),
        ({"official_name": "X", "effective_on": date(2026, 6, 1)}, "effective_on"),
        ({"official_name": "X", "effective_on": date(2026, 12, 1)}, "effective_on"),
    ):
        with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as s:
            org.rename_organisation(
                s,
                kind="city",
                org_id=eku,
                short_name="Ekurhuleni",
                actor=STAFF,
                now=NOW,
                **kwargs,
            )
        assert field in refused.value.errors
    assert any_db.rows("SELECT COUNT(*) FROM organisation_names")[0][0] == 2


def test_a_form_opened_before_another_save_is_refused_naming_who_saved(any_db):
    with any_db.unit_of_work() as s:
        body_id = org.save_organisation(s, kind="body", values=ngo(), actor=STAFF, now=NOW)
        seen = org.organisation_fields(s, "body", body_id)["seen_version"]
    with any_db.unit_of_work() as s:
        org.save_organisation(
            s,
            kind="body",
            org_id=body_id,
            values=ngo(switchboard="021 447 2000"),
            seen_version=seen,
            actor=STAFF,
            now=NOW,
        )
    with (
        pytest.raises(EditConflict, match="Nomsa Dlamini saved VPUU at"),
        any_db.unit_of_work() as s,
    ):
        org.save_organisation(
            s,
            kind="body",
            org_id=body_id,
            values=ngo(switchboard="021 447 3000"),
            seen_version=seen,
            actor=STAFF,
            now=NOW,
        )
    assert any_db.rows("SELECT switchboard FROM bodies WHERE id = :i", {"i": body_id}) == [
        ("021 447 2000",)
    ]


def test_a_switched_off_organisation_is_no_longer_offered_in_new_choices(any_db):
    with any_db.unit_of_work() as s:
        _kind, salga = org.organisation_named(s, "SALGA")
        _kind, msunduzi = org.organisation_named(s, "Msunduzi")
        org.set_organisation_active(
            s, kind="body", org_id=salga, active=False, actor=STAFF, now=NOW
        )
        org.set_organisation_active(
            s, kind="city", org_id=msunduzi, active=False, actor=STAFF, now=NOW
        )
    with any_db.reading() as s:
        assert salga not in [i for i, _label in rounds.body_choices(s)]
        assert salga not in [i for i, _name in org.active_choices(s, "body")]
        assert msunduzi not in [i for i, _name in org.active_choices(s, "city")]
    assert msunduzi not in [i for i, _name in directory.active_city_choices(any_db)]
    with (
        pytest.raises(WorkflowError, match="SALGA is already switched off"),
        any_db.unit_of_work() as s,
    ):
        org.set_organisation_active(
            s, kind="body", org_id=salga, active=False, actor=STAFF, now=NOW
        )
    with any_db.unit_of_work() as s:
        org.set_organisation_active(s, kind="body", org_id=salga, active=True, actor=STAFF, now=NOW)
        assert events(s, "body", salga) == ["switch_off", "switch_on"]
    with any_db.reading() as s:
        assert salga in [i for i, _label in rounds.body_choices(s)]


def test_merging_a_city_moves_every_reference_in_one_go(any_demo_db):
    db = any_demo_db
    with db.reading() as s:
        _k, source = org.organisation_named(s, "Buffalo City")
        _k, target = org.organisation_named(s, "Nelson Mandela Bay")
        before = dict(om.references(s, "city", source))
        target_before = dict(om.references(s, "city", target))
        question = om.merge_question(
            s, kind="city", org_id=source, into_kind="city", into_id=target
        )
    assert before["person"] > 0 and before["application"] > 0, before
    assert question.startswith(
        "Merge Buffalo City (Buffalo City Metropolitan Municipality) into Nelson Mandela Bay "
        "(Nelson Mandela Bay Metropolitan Municipality)? "
    )
    assert f"{before['person']} people" in question
    with db.unit_of_work() as s:
        # Both offered to host the same quarter: the merged city's offer is dropped.
        s.add(HostVolunteer(city_id=source, year=2031, quarter=2, note="Buffalo City offers"))
        s.add(HostVolunteer(city_id=target, year=2031, quarter=2, note="NMB offers"))
    with db.unit_of_work() as s:
        moved = dict(
            om.merge_organisations(
                s,
                kind="city",
                org_id=source,
                into_kind="city",
                into_id=target,
                actor=STAFF,
                now=NOW,
            )
        )
    assert moved["person"] == before["person"]
    with db.reading() as s:
        after = dict(om.references(s, "city", source))
        assert set(after.values()) == {0}, after
        merged = dict(om.references(s, "city", target))
        assert merged["person"] == target_before["person"] + before["person"]
        assert merged["application"] == target_before["application"] + before["application"]
        assert s.get(City, source).active is False
        assert (
            s.scalar(
                select(func.count()).where(
                    HostVolunteer.city_id == target, HostVolunteer.year == 2031
                )
            )
            == 1
        )
        assert s.scalar(select(func.count()).where(Meeting.host_city_id == source)) == 0
        assert events(s, "city", source)[-1] == "merge_into"
        assert events(s, "city", target)[-1] == "merge_from"
        detail = s.scalar(
            select(AuditEvent.detail).where(
                AuditEvent.entity == "city", AuditEvent.action == "merge_into"
            )
        )
        assert detail.startswith(f"merged into Nelson Mandela Bay (id {target}); moved ")


def test_meaningless_merges_are_refused_with_a_sentence_and_change_nothing(any_db):
    with any_db.unit_of_work() as s:
        _k, eku = org.organisation_named(s, "Ekurhuleni")
        _k, salga = org.organisation_named(s, "SALGA")
        _k, dsd = org.organisation_named(s, "DSD")
        org.set_organisation_active(s, kind="body", org_id=dsd, active=False, actor=STAFF, now=NOW)
    for kwargs, sentence in (
        (
            {"kind": "city", "org_id": eku, "into_kind": "body", "into_id": salga},
            "Ekurhuleni is a member city and SALGA is a body: a member city can be merged only "
            "into another member city.",
        ),
        (
            {"kind": "body", "org_id": salga, "into_kind": "body", "into_id": salga},
            "SALGA cannot be merged into itself.",
        ),
        (
            {"kind": "body", "org_id": salga, "into_kind": "body", "into_id": dsd},
            "DSD is switched off; switch it on first, or merge SALGA into an organisation that "
            "is on.",
        ),
    ):
        with pytest.raises(WorkflowError) as refused, any_db.unit_of_work() as s:
            om.merge_organisations(s, **kwargs, actor=STAFF, now=NOW)
        assert str(refused.value) == sentence
    with any_db.reading() as s:
        assert s.get(City, eku).active and s.get(Body, salga).active


def test_merging_a_body_moves_its_people_and_the_rounds_that_admit_it(any_db):
    from .test_applications import make_round

    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        body_id = org.save_organisation(s, kind="body", values=ngo(), actor=STAFF, now=NOW)
        _k, salga = org.organisation_named(s, "SALGA")
        s.add_all(
            [
                RoundAdmittedBody(round_id=rnd, body_id=body_id),
                RoundAdmittedBody(round_id=rnd, body_id=salga),
            ]
        )
        person = Person(
            full_name="Zanele Mokoena",
            role="partner",
            body_id=body_id,
            email="zanele@vpuu.org.za",
            consent_basis="consent",
        )
        s.add(person)
        s.flush()
        person_id, person_version = person.id, person.version
    with any_db.unit_of_work() as s:
        om.merge_organisations(
            s, kind="body", org_id=body_id, into_kind="body", into_id=salga, actor=STAFF, now=NOW
        )
    with any_db.reading() as s:
        person = s.get(Person, person_id)
        assert person.body_id == salga
        assert person.version == person_version + 1  # a form opened before is refused
        assert s.scalars(
            select(RoundAdmittedBody.body_id).where(RoundAdmittedBody.round_id == rnd)
        ).all() == [salga]
        assert s.get(Body, body_id).active is False


def test_a_rename_changes_new_letters_but_never_one_already_issued(fund):  # noqa: F811
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=apps["declined"], kind="decline", actor=STAFF, now=NOW
        )
        city_id = s.get(Application, apps["declined"]).applicant_city_id
    with db.reading() as s:
        issued = wl.reprint(s, letter_id)
        old_name = s.get(City, city_id).official_name
    assert old_name in text_of(issued)
    with db.unit_of_work() as s:
        org.rename_organisation(
            s,
            kind="city",
            org_id=city_id,
            official_name="Metropolitan Municipality of the Renamed City",
            short_name="Renamed City",
            name_in_sentence="the Renamed City",
            actor=STAFF,
            now=NOW,
        )
    with db.reading() as s:
        again = wl.reprint(s, letter_id)
        registered = s.get(IssuedLetter, letter_id).sha256
        assert s.scalar(select(func.count()).select_from(OrganisationName)) == 1
    assert again == issued and hashlib.sha256(again).hexdigest() == registered
    assert "Renamed City" not in text_of(again)
    with db.unit_of_work() as s:
        new_id = wl.issue_letter(
            s, application_id=apps["approved"], kind="award", actor=STAFF, now=NOW
        )
        new_text = text_of(wl.reprint(s, new_id))
    assert "Metropolitan Municipality of the Renamed City" in new_text


def test_a_main_contact_is_in_their_popia_export_and_anonymising_them_clears_it(any_db):
    from usrg_desktop.workflows.directory.directory_people import anonymise_person, export_person

    admin = Actor(None, "Pieter van Wyk", "administrator")
    with any_db.unit_of_work() as s:
        person = Person(
            full_name="Zanele Mokoena",
            role="partner",
            email="zanele@salga.org.za",
            consent_basis="consent",
        )
        s.add(person)
        s.flush()
        person_id = person.id
        _k, salga = org.organisation_named(s, "SALGA")
        values = org.organisation_fields(s, "body", salga)
        values.pop("seen_version")
        values["main_contact_id"] = person_id
        org.save_organisation(s, kind="body", org_id=salga, values=values, actor=STAFF, now=NOW)
    with any_db.reading() as s:
        assert org.organisation_detail(s, "body", salga)["main_contact"] == "Zanele Mokoena"
        exported = export_person(s, person_id)
    assert exported["main_contact_of"] == ["South African Local Government Association"]
    with any_db.unit_of_work() as s:
        anonymise_person(s, person_id=person_id, reason="POPIA request", actor=admin, now=NOW)
    with any_db.reading() as s:
        assert s.get(Body, salga).main_contact_id is None


def test_a_new_database_is_seeded_with_names_that_read_in_a_sentence_as_letters_did(any_db):
    from usrg_desktop.workflows.letters.letter_addressing import organisation_in_sentence

    with any_db.reading() as s:
        for kind in org.KINDS:
            model = org.model_for(kind)
            for row in s.scalars(select(model)):
                expected = organisation_in_sentence(row.official_name, row.short_name)
                assert row.name_in_sentence == expected, row.short_name
                assert (row.version, row.main_contact_id, row.switchboard) == (1, None, "")
        sentence = {
            name: s.get(org.model_for(kind), i).name_in_sentence
            for name in ("Ekurhuleni", "SALGA", "eThekwini", "CSPS", "Msunduzi")
            for kind, i in [org.organisation_named(s, name)]
        }
    assert sentence == {
        "Ekurhuleni": "the City of Ekurhuleni",
        "SALGA": "SALGA",
        "eThekwini": "the eThekwini Metropolitan Municipality",
        "CSPS": "CSPS",
        "Msunduzi": "the Msunduzi Local Municipality",
    }
