"""The demo's directory: people, the secretariat's accounts and the reviewers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from argon2.low_level import hash_secret

from ...domain.accounts import Role
from ...domain.directory import ConsentBasis, PersonRole
from ..system.accounts import PASSWORD_HASHER
from .base import BuilderBase
from .names import (
    _ALL_SA,
    _BODIES,
    _BODY_TITLES,
    _CITY_FOCAL_TITLES,
    _CITY_OFFICIAL_TITLES,
    _EXPERTISE,
    _FIRST,
    _FIXED_FOCAL,
    _FIXED_REVIEWER,
    _LAST,
    _MOBILE,
    _REVIEWER_TITLES,
    _SECRETARIAT,
)
from .plan import DEMO_PASSWORD, _ascii


class PeopleBuilder(BuilderBase):
    """People and accounts: the directory's people, the secretariat's users and the reviewers."""

    # -- people and accounts ----------------------------------------------------------------
    def _name(self, groups: Sequence[str], fixed: str | None = None) -> str:
        if fixed and fixed not in self.used_names:
            self.used_names.add(fixed)
            return fixed
        while True:
            group = self.rng.choice(groups)
            name = f"{self.rng.choice(_FIRST[group])} {self.rng.choice(_LAST[group])}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _email(self, name: str, domain: str) -> str:
        first, _, last = name.partition(" ")
        local = f"{_ascii(first)}.{_ascii(last)}"
        email, n = f"{local}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def _phone(self, area: str) -> str:
        prefix = area if self.rng.random() < 0.5 else self.rng.choice(_MOBILE)
        return f"+27 {prefix} {self.rng.randint(200, 999)} {self.rng.randint(1000, 9999)}"

    def _person(
        self,
        name: str,
        title: str,
        role: PersonRole,
        domain: str,
        area: str,
        *,
        city_id: int | None = None,
        body_id: int | None = None,
        basis: ConsentBasis = ConsentBasis.PUBLIC_FUNCTION,
    ) -> int:
        days_back = self.rng.randint(60, 1500 if self.scale.meetings == 0 else 4000)
        return self.add(
            "people",
            full_name=name,
            title=title,
            city_id=city_id,
            body_id=body_id,
            role=role.value,
            email=self._email(name, domain),
            phone=self._phone(area),
            consent_basis=basis.value,
            consent_recorded_on=self.today - timedelta(days=days_back),
            anonymised_at=None,
            active=True,
        )

    def build_people(self) -> None:
        rng, sc = self.rng, self.scale
        self.person_name: dict[int, str] = {}
        self.city_focal: dict[int, list[int]] = {}
        self.city_people: dict[int, list[int]] = {}
        self.body_focal: dict[int, list[int]] = {}
        sacn = self.body_by_name.get("SACN", self.bodies[0].id)
        sacn_domain, sacn_area, _ = _BODIES.get(self.body_name[sacn], _BODIES["SACN"])
        self.secretariat: list[tuple[int, str, str, Role]] = []
        for name, title, username, role in _SECRETARIAT:
            self.used_names.add(name)
            pid = self._person(
                name,
                title,
                PersonRole.SECRETARIAT,
                sacn_domain,
                sacn_area,
                body_id=sacn,
                basis=ConsentBasis.CONTRACT,
            )
            self.person_name[pid] = name
            self.secretariat.append((pid, name, username, role))
        for c in self.cities:
            facts = self.city_facts[c.id]
            focal = []
            for i in range(rng.randint(*sc.city_focal)):
                name = self._name(
                    facts.name_groups, _FIXED_FOCAL.get(c.municipal_code) if i == 0 else None
                )
                pid = self._person(
                    name,
                    _CITY_FOCAL_TITLES[(c.id + i) % 5],
                    PersonRole.FOCAL_PERSON,
                    facts.domain,
                    facts.area_code,
                    city_id=c.id,
                )
                self.person_name[pid] = name
                focal.append(pid)
            officials = []
            for _ in range(sc.city_officials):
                name = self._name(facts.name_groups)
                pid = self._person(
                    name,
                    rng.choice(_CITY_OFFICIAL_TITLES),
                    PersonRole.OFFICIAL,
                    facts.domain,
                    facts.area_code,
                    city_id=c.id,
                )
                self.person_name[pid] = name
                officials.append(pid)
            self.city_focal[c.id] = focal
            self.city_people[c.id] = focal + officials
        for b in self.bodies:
            if b.id == sacn:
                continue
            domain, area, groups = _BODIES.get(b.short_name, ("example.org.za", "12", _ALL_SA))
            focal = []
            for i in range(rng.randint(*sc.body_focal)):
                name = self._name(groups, _FIXED_FOCAL.get(b.short_name) if i == 0 else None)
                basis = (
                    ConsentBasis.LEGITIMATE_INTEREST
                    if b.short_name.startswith("GIZ")
                    else ConsentBasis.PUBLIC_FUNCTION
                )
                pid = self._person(
                    name,
                    rng.choice(_BODY_TITLES),
                    PersonRole.FOCAL_PERSON,
                    domain,
                    area,
                    body_id=b.id,
                    basis=basis,
                )
                self.person_name[pid] = name
                focal.append(pid)
            self.body_focal[b.id] = focal
        self.sacn_id = sacn

    def build_users(self) -> None:
        # One Argon2 hash for every demo account (hashing is slow on purpose). Its salt comes
        # from the seeded generator so that the same seed gives the same database.
        h = PASSWORD_HASHER
        salt = self.rng.randbytes(16)
        self.password_hash = hash_secret(
            DEMO_PASSWORD.encode(),
            salt,
            time_cost=h.time_cost,
            memory_cost=h.memory_cost,
            parallelism=h.parallelism,
            hash_len=h.hash_len,
            type=h.type,
        ).decode("ascii")
        self.user_ids: dict[str, int] = {}
        self.users_written = 0
        for pid, name, username, role in self.secretariat:
            if username in self.existing_users:
                self.user_ids[username] = self.existing_users[username]
                continue
            self.user_ids[username] = self.add(
                "users",
                username=username,
                display_name=name,
                password_hash=self.password_hash,
                role=role.value,
                person_id=pid,
                active=True,
                created_at=self.users_created,
                last_login_at=self.at(self.yesterday),
            )
            self.users_written += 1
        self.staff_id = self.user_ids["secretariat"]
        self.staff_name = self.secretariat[0][1]

    def build_reviewers(self) -> None:
        rng = self.rng
        affiliations: list[list[tuple[str, int]]] = []
        if self.scale.applications_per_round == 0:
            wanted = [
                ("city", "CPT"),
                ("city", "JHB"),
                ("city", "NMA"),
                ("body", "CSPS"),
                ("body", "DSD"),
                ("body", "SALGA"),
                ("body", "GIZ VCP"),
                ("body", "CoGTA"),
            ]
            code_to_city = {c.municipal_code: c.id for c in self.cities}
            for kind, key in wanted:
                ident = code_to_city.get(key) if kind == "city" else self.body_by_name.get(key)
                if ident is not None:
                    affiliations.append([(kind, ident)])
        pool = [("city", c.id) for c in self.cities] + [
            ("body", b.id) for b in self.bodies if b.id != self.sacn_id
        ]
        while len(affiliations) < self.scale.reviewers:
            first = pool[len(affiliations) % len(pool)]
            extra = rng.choice(pool)
            affiliations.append(
                [first, extra] if rng.random() < 0.1 and extra != first else [first]
            )
        self.reviewer_ids: list[int] = []
        self.reviewer_cities: dict[int, set[int]] = {}
        self.reviewer_bodies: dict[int, set[int]] = {}
        for affs in affiliations:
            kind, ident = affs[0]
            if kind == "city":
                facts = self.city_facts[ident]
                domain, area, groups = facts.domain, facts.area_code, facts.name_groups
                fixed = None
            else:
                domain, area, groups = _BODIES.get(
                    self.body_name[ident], ("example.org.za", "12", _ALL_SA)
                )
                fixed = _FIXED_REVIEWER.get(self.body_name[ident])
            name = self._name(groups, fixed)
            pid = self._person(
                name,
                rng.choice(_REVIEWER_TITLES),
                PersonRole.REVIEWER,
                domain,
                area,
                city_id=ident if kind == "city" else None,
                body_id=ident if kind == "body" else None,
                basis=ConsentBasis.CONSENT,
            )
            self.person_name[pid] = name
            rid = self.add(
                "reviewers", person_id=pid, expertise=rng.choice(_EXPERTISE), active=True
            )
            self.reviewer_ids.append(rid)
            self.reviewer_cities[rid] = set()
            self.reviewer_bodies[rid] = set()
            for k, i in affs:
                self.add(
                    "reviewer_affiliations",
                    reviewer_id=rid,
                    city_id=i if k == "city" else None,
                    body_id=i if k == "body" else None,
                )
                (self.reviewer_cities if k == "city" else self.reviewer_bodies)[rid].add(i)
        # How harsh or lenient each reviewer is, so that severity shows in the scores.
        self.severity = {r: rng.gauss(0, 0.35) for r in self.reviewer_ids}
