"""The demo data set: a realistic, deterministic USRG database to try the program and benchmark it.

`fill_demo` writes people, accounts, funding rounds with applications in every state (with their
budgets, attachments, screening, reviews, decisions, awards and audit trail), letter templates and
the quarterly meetings (agendas, invitations, minutes, action items) in one unit of work.

Everything follows from the seed and `today`: the same pair gives the same database, row for row.
Rows are written with SQLAlchemy Core executemany batches and ids computed here, so that the
large data set (20,000 applications) is built in well under a minute and a half.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import holidays
from argon2.low_level import hash_secret
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MO, TH, TU, WE, rrule
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ..domain import Base
from ..domain.accounts import Role, User
from ..domain.directory import Body, City, ConsentBasis, PersonRole
from ..domain.grants import Application
from ..domain.grants import ApplicationState as S
from ..domain.meetings import (
    AgendaItemKind,
    AgendaPurpose,
    BlackoutPeriod,
    Meeting,
)
from ..domain.reviews import Criterion, Recommendation, Rubric
from ..money import format_zar
from ..storage import Database
from . import WorkflowError
from .accounts import PASSWORD_HASHER
from .audit_trail import chain_rows
from .project_dates import next_working_day

DEMO_PASSWORD = "demo-password"
CAP_CENTS = 400_000_00
MIN_BUDGET_CENTS = 3_000_000_00
FIRST_MEETING_YEAR = 2014
_BATCH = 5_000
_DAY = timedelta(days=1)

# Audit actions of the application state machine (workflows/applications.py), by target state,
# so that demo history reads exactly like history the program writes.
_ACTION = {
    S.SUBMITTED: "submit",
    S.SCREENING: "start_screening",
    S.IN_REVIEW: "mark_eligible",
    S.INELIGIBLE: "mark_ineligible",
    S.REVIEWED: "complete_review",
    S.APPROVED: "approve",
    S.DECLINED: "decline",
    S.AWARDED: "mark_awarded",
    S.ACTIVE: "sign_agreement",
    S.CLOSED: "close",
    S.WITHDRAWN: "withdraw",
}
_FUNDED = (S.APPROVED, S.AWARDED, S.ACTIVE, S.CLOSED)
_REVIEWED_OR_LATER = (S.REVIEWED, S.DECLINED, *_FUNDED)


# -- what the demo reports -------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoSummary:
    """How many of the main things the demo wrote."""

    rounds: int
    applications: int
    reviewers: int
    assignments: int
    scores: int
    awards: int
    meetings: int
    people: int
    users: int

    def __str__(self) -> str:
        """The counts in words, like "2 rounds, 40 applications, ..."."""
        parts = []
        for f in fields(self):
            count = getattr(self, f.name)
            noun = f.name if count != 1 else {"people": "person"}.get(f.name, f.name[:-1])
            parts.append(f"{count:,} {noun}".replace(",", " "))
        return ", ".join(parts)


@dataclass(frozen=True)
class _Scale:
    rounds: int
    months_between_rounds: int
    applications_per_round: int  # 0: the hand-made small plan
    reviewers: int
    city_focal: tuple[int, int]
    city_officials: int
    body_focal: tuple[int, int]
    meetings: int  # 0: eight held and four planned around today


_SCALES = {
    "small": _Scale(2, 16, 0, 8, (1, 2), 2, (1, 2), 0),
    "large": _Scale(40, 4, 500, 60, (2, 2), 8, (2, 3), 200),
}

# The small demo: exactly which states each round holds.
_SMALL_PAST = [
    (S.INELIGIBLE, 2),
    (S.WITHDRAWN, 1),
    (S.DECLINED, 4),
    (S.AWARDED, 2),
    (S.ACTIVE, 3),
    (S.CLOSED, 3),
]
_SMALL_CURRENT = [
    (S.DRAFT, 2),
    (S.SUBMITTED, 2),
    (S.SCREENING, 2),
    (S.INELIGIBLE, 2),
    (S.IN_REVIEW, 6),
    (S.REVIEWED, 5),
    (S.APPROVED, 3),
    (S.DECLINED, 2),
    (S.WITHDRAWN, 1),
]
# The large demo: shares of each state ("funded" becomes approved, awarded, active or closed,
# whichever the dates allow by today).
_LARGE_PAST = [(S.INELIGIBLE, 0.09), (S.WITHDRAWN, 0.04), (S.DECLINED, 0.54), ("funded", 0.33)]
_LARGE_CURRENT = [
    (S.DRAFT, 0.04),
    (S.SUBMITTED, 0.04),
    (S.SCREENING, 0.06),
    (S.INELIGIBLE, 0.08),
    (S.IN_REVIEW, 0.30),
    (S.REVIEWED, 0.24),
    (S.APPROVED, 0.08),
    (S.DECLINED, 0.12),
    (S.WITHDRAWN, 0.04),
]


# -- South African names ---------------------------------------------------------------------------
# fmt: off
_FIRST = {
    "venda": ["Ṱhalitshani", "Mpho", "Ḓivhani", "Rudzani", "Ndivhuwo", "Mashudu", "Khathutshelo",
             "Vhutshilo", "Ṱhanyani", "Lufuno", "Tshilidzi", "Murendeni"],
    "afrikaans": ["Anél", "Gerhard", "Riëtte", "Zoë", "Hendrik", "Marthinus", "Elmarie", "Liesl",
                 "Jaco", "Lizé", "Morné", "Daniël", "Chanté", "Wilhelm", "Annemarie"],
    "sotho": ["Thabo", "Lerato", "Palesa", "Tumelo", "Refiloe", "Dineo", "Nthabiseng", "Teboho",
             "Puleng", "Lebohang", "Karabo", "Tshepo", "Kamohelo", "Limpho"],
    "tswana": ["Kgomotso", "Lesego", "Boitumelo", "Oratile", "Kagiso", "Tebogo", "Mahlatse",
              "Lehlogonolo", "Katlego", "Onalenna"],
    "zulu": ["Sipho", "Nomvula", "Thandeka", "Sibusiso", "Nokuthula", "Bongani", "Zanele",
            "Mandla", "Lindiwe", "Sanele", "Nonhlanhla", "Thulani", "Zodwa", "Mthokozisi"],
    "xhosa": ["Lwazi", "Luvuyo", "Nomonde", "Xolani", "Vuyokazi", "Thembeka", "Zukisa",
             "Siyamthanda", "Unathi", "Akhona", "Asanda", "Sinethemba", "Lulama", "Bulelani"],
    "tsonga": ["Hlulani", "Tsakani", "Nyiko", "Ntsako", "Rhulani", "Khensani", "Tiyani"],
    "english": ["Sarah", "Fatima", "Priya", "Yusuf", "Michael", "Deon", "Kavitha", "Ashwin",
               "Claire", "Nadia", "Rashied", "Shireen", "Kevin", "Megan"],
    "german": ["Katrin", "Jonas", "Anja", "Tobias", "Friederike", "Lukas"],
}
_LAST = {
    "venda": ["Nemaṱhaṋi", "Ṋetshiṱenzhe", "Maḽaba", "Mudau", "Ramabulana", "Tshikhudo",
             "Nengovhela", "Mulaudzi", "Ṋemukula", "Mukhaḓi", "Maṱhoho"],
    "afrikaans": ["Coetzée", "du Plessis", "van der Merwe", "Botha", "Nel", "Smit", "le Roux",
                 "Pretorius", "Kotzé", "Potgieter", "Steenkamp", "Joubert", "Maré", "Gouws"],
    "sotho": ["Mokoena", "Mofokeng", "Motaung", "Mohapi", "Molefe", "Moloi", "Lekota", "Nthako",
             "Ramoeletsi", "Tau", "Mokhethi", "Letsie"],
    "tswana": ["Sebego", "Mokgosi", "Mashigo", "Ledwaba", "Maepa", "Mphahlele", "Seabi", "Modise",
              "Kgosana"],
    "zulu": ["Dlamini", "Ngcobo", "Mkhize", "Zulu", "Khumalo", "Ndlovu", "Mthembu", "Cele",
            "Shabalala", "Nxumalo", "Gumede", "Zondi", "Hlongwane"],
    "xhosa": ["Mqhayi", "Ntshona", "Gqola", "Qwabe", "Ngqakayi", "Mgqwetho", "Mabandla", "Booi",
             "Dyantyi", "Jonas", "Mgudlwa", "Sityata"],
    "tsonga": ["Baloyi", "Maluleke", "Chauke", "Mathebula", "Ngobeni", "Shiburi"],
    "english": ["Jacobs", "Parker", "Naidoo", "Ebrahim", "Adams", "Pillay", "Govender", "Reddy",
               "Abrahams", "Hendricks", "Moodley", "Davids", "Isaacs", "Fourie"],
    "german": ["Müller", "Weber", "Schröder", "Hoffmann", "Becker"],
}
# fmt: on
_ALL_SA = ("venda", "afrikaans", "sotho", "tswana", "zulu", "xhosa", "tsonga", "english")


@dataclass(frozen=True)
class _CityFacts:
    domain: str
    area_code: str
    name_groups: tuple[str, ...]
    places: tuple[str, ...]
    venue: str
    sites: tuple[tuple[str, str], ...]


# Keyed by municipal code, so that the demo follows the reference data whatever its ids.
_CITIES = {
    "JHB": _CityFacts(
        "joburg.org.za",
        "11",
        ("sotho", "zulu", "tswana", "english", "tsonga", "venda"),
        ("Alexandra", "Orlando East", "Hillbrow", "Diepsloot", "Orange Farm"),
        "Metro Centre, 158 Civic Boulevard, Braamfontein, Johannesburg",
        (
            (
                "Ekhaya Neighbourhood precinct, Hillbrow",
                "How residents, landlords and the city keep inner-city streets and buildings safe "
                "through a managed neighbourhood precinct.",
            ),
            (
                "Alexandra Renewal public spaces, Alexandra",
                "A walk along the upgraded pedestrian routes and parks with the ward safety "
                "committee.",
            ),
        ),
    ),
    "CPT": _CityFacts(
        "capetown.gov.za",
        "21",
        ("xhosa", "afrikaans", "english"),
        ("Khayelitsha", "Manenberg", "Hanover Park", "Delft", "Nyanga"),
        "Cape Town Civic Centre, 12 Hertzog Boulevard, Cape Town",
        (
            (
                "Harare safe node, Khayelitsha",
                "The active boxes, Harare Square and the safe walkways of Violence Prevention "
                "through "
                "Urban Upgrading.",
            ),
            (
                "Manenberg safe school routes",
                "Walking-bus volunteers and school safety marshals at three primary schools.",
            ),
        ),
    ),
    "ETH": _CityFacts(
        "durban.gov.za",
        "31",
        ("zulu", "english"),
        ("KwaMashu", "Inanda", "Umlazi", "Warwick Junction", "Chatsworth"),
        "Durban City Hall, Dr Pixley KaSeme Street, Durban",
        (
            (
                "Warwick Junction markets",
                "How informal traders and the city co-manage safety in the markets, with Asiye "
                "eTafuleni.",
            ),
            (
                "KwaMashu youth hub",
                "A youth sport and arts programme that keeps the hub busy after dark.",
            ),
        ),
    ),
    "TSH": _CityFacts(
        "tshwane.gov.za",
        "12",
        ("venda", "tswana", "afrikaans", "tsonga"),
        ("Mamelodi", "Atteridgeville", "Soshanguve", "Hammanskraal", "Sunnyside"),
        "Tshwane House, 320 Madiba Street, Pretoria",
        (
            (
                "Mamelodi East community safety centre",
                "Community patrollers, the victim-support room and the local safety forum's data "
                "desk.",
            ),
            (
                "Sunnyside inner-city precinct",
                "Street lighting co-designed with informal traders and residents.",
            ),
        ),
    ),
    "EKU": _CityFacts(
        "ekurhuleni.gov.za",
        "11",
        ("zulu", "sotho", "tsonga"),
        ("Tembisa", "Katlehong", "Thokoza", "Daveyton", "KwaThema"),
        "Germiston Civic Centre, corner Cross and Rose Streets, Germiston",
        (
            (
                "Thokoza Park youth precinct",
                "A night sport league and the park's co-management committee.",
            ),
            (
                "Katlehong taxi rank",
                "A safer taxi rank design pilot with the taxi association and women commuters.",
            ),
        ),
    ),
    "NMA": _CityFacts(
        "mandelametro.gov.za",
        "41",
        ("xhosa", "afrikaans", "english"),
        ("Motherwell", "Helenvale", "KwaZakhele", "New Brighton", "Bethelsdorp"),
        "Lilian Diedericks Building, 191 Govan Mbeki Avenue, Gqeberha",
        (
            (
                "Helenvale urban upgrading",
                "Safety and Peace through Urban Upgrading in the northern areas: the resource "
                "centre "
                "and safe walkways.",
            ),
            (
                "Motherwell community safety forum",
                "The forum's violence interrupters and their referral network.",
            ),
        ),
    ),
    "BUF": _CityFacts(
        "buffalocity.gov.za",
        "43",
        ("xhosa", "english"),
        ("Mdantsane", "Duncan Village", "Scenery Park", "Ziphunzana", "Potsdam"),
        "East London City Hall, Oxford Street, East London",
        (
            (
                "Duncan Village community safety forum",
                "Safety walks with the forum and the ward committee.",
            ),
            (
                "Mdantsane NU2 sport precinct",
                "After-school sport and arts as substance-abuse prevention.",
            ),
        ),
    ),
    "MAN": _CityFacts(
        "mangaung.co.za",
        "51",
        ("sotho", "afrikaans", "tswana"),
        ("Botshabelo", "Thaba Nchu", "Batho", "Rocklands", "Heidedal"),
        "Bram Fischer Building, corner Nelson Mandela Drive and Markgraaff Street, Bloemfontein",
        (
            (
                "Batho safe park and library",
                "A park and library run with the community as a safe space for children.",
            ),
            (
                "Botshabelo women's safety audit route",
                "The routes women walked in the safety audit, and what changed since.",
            ),
        ),
    ),
    "KZN225": _CityFacts(
        "msunduzi.gov.za",
        "33",
        ("zulu", "english"),
        ("Edendale", "Imbali", "Sobantu", "Northdale", "Ashdown"),
        "Pietermaritzburg City Hall, corner Chief Albert Luthuli and Church Streets, "
        "Pietermaritzburg",
        (
            (
                "Edendale Road walking corridor",
                "Lighting, pavements and trader stalls on the corridor commuters walk every day.",
            ),
            (
                "Imbali youth enterprise park",
                "Young entrepreneurs maintaining public spaces as a youth employment programme.",
            ),
        ),
    ),
}
_OTHER_CITY = _CityFacts(
    "example.gov.za",
    "12",
    _ALL_SA,
    ("the inner city", "the townships"),
    "Civic Centre",
    (("A community safety project", "Learning from practice."),),
)
# Keyed by short name: e-mail domain, area code, name groups.
_BODIES = {
    "SACN": ("sacities.net", "11", _ALL_SA),
    "CoGTA": ("cogta.gov.za", "12", _ALL_SA),
    "SALGA": ("salga.org.za", "12", _ALL_SA),
    "National Treasury": ("treasury.gov.za", "12", _ALL_SA),
    "DSD": ("dsd.gov.za", "12", _ALL_SA),
    "CSPS": ("csps.gov.za", "12", _ALL_SA),
    "GIZ VCP": ("giz.de", "12", ("german", "german", "sotho", "zulu")),
}
_MOBILE = ("82", "83", "72", "73", "76", "79", "60", "61", "71", "81", "84")
# Names the demo always shows, so that screens and print-outs meet every alphabet early.
_FIXED_FOCAL = {
    "TSH": "Ṱhalitshani Nemaṱhaṋi",
    "MAN": "Thabo Mokoena",
    "CoGTA": "Mpho Ṋetshiṱenzhe",
}
_FIXED_REVIEWER = {"CSPS": "Ḓivhani Maḽaba"}
_SECRETARIAT = [  # full name, title, username, role
    ("Lerato Mofokeng", "Programme Manager: Urban Safety", "secretariat", Role.SECRETARIAT),
    ("Anél Coetzée", "Meetings and Knowledge Coordinator", "coordinator", Role.COORDINATOR),
    ("Gerhard du Plessis", "Information Systems Administrator", "admin", Role.ADMINISTRATOR),
]
_CITY_FOCAL_TITLES = (
    "Manager: Safer Cities",
    "Director: Community Safety",
    "Deputy Director: Violence Prevention",
    "Head: Urban Safety Programme",
    "Senior Manager: Public Safety Strategy",
)
_CITY_OFFICIAL_TITLES = (
    "Senior Planner: Urban Design",
    "Project Officer: Community Safety",
    "Social Development Practitioner",
    "Data Analyst: Safety Information",
    "Ward Development Coordinator",
    "Superintendent: Metro Police Crime Prevention",
)
_BODY_TITLES = (
    "Director: Safety and Security",
    "Chief Director: Urban Development",
    "Specialist: Community Safety",
    "Senior Manager: Municipal Governance",
    "Deputy Director: Civilian Oversight",
    "Technical Advisor: Violence Prevention",
)
_REVIEWER_TITLES = (
    "Specialist: Violence Prevention",
    "Senior Researcher: Urban Safety",
    "Monitoring and Evaluation Specialist",
    "Manager: Community Safety Plans",
    "Senior Policy Analyst",
)
_EXPERTISE = (
    "Violence prevention through urban upgrading; safety audits",
    "Gender-based violence prevention and survivor services",
    "Monitoring, evaluation and learning for municipal programmes",
    "Youth development, sport and after-school programmes",
    "Community safety forums and civilian oversight of policing",
    "Public finance and grant management in local government",
    "Safety data, crime observatories and spatial analysis",
    "Informal trade, public space and the night-time economy",
)
_CONFLICT_REASONS = (
    ("personal", "A close family member works on the applicant's project team."),
    ("professional", "I advised the city on an earlier version of this project."),
    ("financial", "My organisation would be paid to deliver part of this project."),
)

# -- the innovation fund ---------------------------------------------------------------------------
_PROJECTS = (
    (
        "Safe routes to school in {place}",
        "Walking-bus volunteers, school safety marshals and quick-build crossings on the routes "
        "learners walk to three primary schools in {place}, without CCTV.",
        "Learners walk up to four kilometres past open veld, unlit underpasses and taverns; "
        "parents "
        "report robberies and harassment, of girls especially.",
        "Map the routes with learners, train parent marshals, paint crossings and light the "
        "hotspots, and agree a response protocol with SAPS and the school governing bodies.",
    ),
    (
        "Gender-based violence safe spaces at the {place} transport interchange",
        "Two staffed safe spaces at the {place} interchange where women and girls can report, "
        "wait and be referred, open from 05:00 to 21:00.",
        "Women commuters report harassment and assault at the interchange, mostly early morning "
        "and "
        "after dark, and do not know where to go.",
        "Convert two municipal kiosks into staffed safe spaces, train marshals and taxi rank "
        "managers, and link them to the Thuthuzela care centre and local NGOs.",
    ),
    (
        "Youth sport night league in {place}",
        "A Friday and Saturday night football and netball league for young people aged 14 to 24 in "
        "{place}, with mentoring between games.",
        "Weekend nights see most of the violent incidents involving young men in {place}; there is "
        "little to do and the sport fields are dark.",
        "Light two fields, run a 20-week league with trained coaches as mentors, and link players "
        "to "
        "skills and job programmes.",
    ),
    (
        "Street lighting co-design with informal traders in {place}",
        "Traders, residents and the electricity department choose and maintain the lighting of "
        "{place}'s main trading streets together.",
        "Traders close early because the streets are unsafe after dark, and lights installed "
        "before "
        "were vandalised or left broken.",
        "Run night safety walks with traders, co-design a lighting plan, install solar lights and "
        "set up a trader-led fault-reporting line.",
    ),
    (
        "Community safety forum data dashboard for {city}",
        "A simple dashboard that community safety forums in {city} use to log incidents, "
        "patrols and referrals and to see the trends.",
        "Forums meet monthly without data; what they know stays on paper and never reaches the "
        "city's safety planning.",
        "Build a mobile-friendly logging form and dashboard with three pilot forums, train "
        "volunteers and report quarterly to the city safety committee.",
    ),
    (
        "Violence interrupters in {place}",
        "Trained violence interrupters from {place} mediate disputes before they turn violent and "
        "refer young people at risk.",
        "Retaliatory violence between groups of young men drives the murder rate in {place}.",
        "Recruit and train eight interrupters, set up a referral network with clinics and social "
        "workers, and track incidents with the local police station.",
    ),
    (
        "Safer taxi rank design pilot at {place}",
        "A redesign of the {place} taxi rank with commuters and the taxi association: lighting, "
        "sight lines, toilets and a marshal post.",
        "Robberies and harassment at the rank peak at dawn and dusk; the layout hides people.",
        "Hold design workshops, make quick-build changes, and measure perceived safety before and "
        "after with commuter surveys.",
    ),
    (
        "Activating {place} park as a safe public space",
        "Weekly programmes, a park steward and small works turn a neglected park in {place} into "
        "a busy and safe place.",
        "The park is used for drug dealing and is avoided by families, especially women and "
        "children.",
        "Appoint a park steward, run weekend markets and children's activities, fix lighting and "
        "paths, and set up a park friends group.",
    ),
    (
        "Safety audits of early childhood development centres in {place}",
        "Safety audits and small improvements at 20 early childhood development centres in "
        "{place}.",
        "Centres are often in unsafe buildings on unsafe routes, and practitioners have no support "
        "to improve them.",
        "Audit the centres with practitioners and parents, fund fencing, lighting and safe "
        "drop-off "
        "points, and train practitioners in child protection.",
    ),
    (
        "After-school arts for substance-abuse prevention in {place}",
        "After-school music, drama and visual arts for learners in {place}, run by local artists.",
        "Learners are idle after school in areas with many drug outlets, and first use starts "
        "young.",
        "Run three afternoon programmes a week at two schools, train artists as mentors and refer "
        "learners who need help to the DSD programme.",
    ),
    (
        "Women's safety audits with ward committees in {place}",
        "Women walk their neighbourhood with ward committees and officials to find and fix the "
        "places where they feel unsafe.",
        "Women's safety concerns rarely reach the city's capital budget.",
        "Run ten safety audit walks, compile the findings into a ward safety plan and track the "
        "city's response.",
    ),
    (
        "Neighbourhood mediation centre in {place}",
        "A community mediation centre that resolves neighbour, family and tenant disputes in "
        "{place}.",
        "Small disputes escalate into violence because there is nowhere else to take them.",
        "Train 15 community mediators, open a centre three days a week and refer cases to and from "
        "the police, courts and social workers.",
    ),
    (
        "Youth employment through public space maintenance in {place}",
        "Young people from {place} are employed to maintain and look after parks, walkways and "
        "taxi ranks.",
        "Unemployed young people and neglected public spaces feed each other's problems.",
        "Employ 30 young people for a year, with training and mentoring, to maintain public "
        "spaces and report safety faults.",
    ),
    (
        "Alcohol outlet mapping and by-law review in {city}",
        "Mapping liquor outlets against violence data to support a review of {city}'s trading "
        "hours by-law.",
        "Alcohol-related violence peaks around clusters of outlets, but the city has no evidence "
        "base for its by-law.",
        "Map outlets and incidents, consult communities and traders, and draft amendments to the "
        "trading hours by-law.",
    ),
    (
        "Trauma-informed practice for {city} law enforcement officers",
        "Training in trauma-informed practice for metro police and law enforcement officers in "
        "{city}.",
        "Officers often meet victims of violence first, and the way they respond affects whether "
        "people report and recover.",
        "Train 120 officers with a victim-support NGO, set up peer support and measure the change "
        "in victims' experience.",
    ),
)
_BODY_PROJECTS = (
    (
        "Peer learning on municipal safety plans for intermediate cities",
        "A peer-learning programme in which intermediate cities draft community safety plans with "
        "the support of metro practitioners.",
        "Intermediate cities have few staff for safety planning and little access to the metros' "
        "experience.",
        "Run three regional workshops and a mentoring programme, and publish a toolkit.",
    ),
    (
        "Strengthening community safety forums with the metros",
        "Training and a common reporting template for community safety forums in the member "
        "cities.",
        "Forums vary widely in how they work and rarely link with municipal safety planning.",
        "Develop a training course and reporting template with five metros and pilot them.",
    ),
)
_BUDGET_ITEMS = (
    "Project coordination (12 months)",
    "Community facilitators' stipends",
    "Training workshops, venue and catering",
    "Materials and printing",
    "Monitoring, evaluation and learning",
    "Solar street lights: supply and installation",
    "Sport equipment and kit",
    "Data platform hosting and licences",
    "Minor works: crossings, paths and signage",
    "Psychosocial support services",
    "Transport for participants",
    "Community dialogues and launch event",
    "Baseline and end-line safety surveys",
    "Small grants to community organisations",
)
_SCREENING_CHECKS = (
    "Applicant is an active SACN member city or a body the round admits",
    "Application form complete and signed by the accounting officer or a delegate",
    "Amount requested within the per-grant cap, with budget lines that add up",
    "Project can be completed within 12 months of signature",
    "Letter of support from the responsible head of department attached",
)
# Screening checks an ineligible application fails (index into _SCREENING_CHECKS), with the note.
_INELIGIBLE = (
    (1, "The form is signed by the project manager, not the accounting officer or a delegate."),
    (3, "The work plan runs for 18 months; the fund supports projects of at most 12 months."),
    (4, "No letter of support from the head of department; a draft was attached instead."),
)
_WITHDRAWN_REASONS = (
    "The city reprioritised the project in its adjustment budget and will fund it itself.",
    "The project lead left the municipality and no replacement could be found in time.",
    "The applicant asked to withdraw: a national programme now funds the same work.",
)
_CONDITIONS = (
    "Ward councillor sign-off on the sites before the first tranche is paid.",
    "A monitoring plan with baseline data is to be submitted within six weeks of signature.",
    "The city confirms in writing that it will maintain the assets after the grant ends.",
)
_APPROVE_REASONS = (
    "Ranked above the funding line; strong on relevance and feasibility.",
    "Ranked above the funding line; a practice other cities can learn from.",
    "Ranked above the funding line after moderation; sound value for money.",
)
_DECLINE_REASONS = (
    "Ranked below the funding line after moderation.",
    "The panel was not convinced the project can be delivered in 12 months.",
    "The link between the activities and safety outcomes is not clear enough.",
)
_FEEDBACK = (
    "The panel liked the community involvement but found the budget thin on monitoring; a "
    "stronger results framework would help a future application.",
    "The proposal repeats existing practice in the city; the panel encourages you to say what "
    "is new and what other cities could learn.",
    "The work plan depends on partners who have not yet committed; letters of commitment "
    "would strengthen a resubmission.",
    "Costs for equipment are high compared to the outcomes; consider co-funding from the "
    "city's own capital budget.",
)
_REVIEW_COMMENTS = {
    Recommendation.FUND.value: (
        "A strong, well-argued proposal with a clear path to safer streets.",
        "Clear problem analysis and a credible plan; worth funding as it stands.",
    ),
    Recommendation.FUND_WITH_CONDITIONS.value: (
        "Promising, but the monitoring plan needs a baseline before work starts.",
        "Good idea; the budget needs clearer justification of the larger lines.",
    ),
    Recommendation.DO_NOT_FUND.value: (
        "The link to safety outcomes is weak and the plan is not yet realistic.",
        "Mostly existing practice; little that other cities would learn from.",
    ),
}
_SCORE_COMMENTS = {
    1: "Not convincing on this criterion.",
    2: "Weak; needs substantial work.",
    3: "Adequate.",
    4: "Good, with minor gaps.",
    5: "Excellent.",
}
_LETTER_TEMPLATES = (
    (
        "acknowledgement",
        "Acknowledgement of receipt: {reference}",
        "Dear {contact_name}\n\n"
        'The USRG secretariat has received the application "{title}" from {applicant_name} to '
        "the {round_name}. Its reference is {reference}; please quote it in all correspondence.\n\n"
        "{next_step}\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "ineligible",
        "Application {reference}: not eligible",
        "Dear {contact_name}\n\n"
        'Thank you for the application "{title}" ({reference}) from {applicant_name} to the '
        "{round_name}.\n\n"
        "We regret that it did not pass screening, for this reason:\n{reasons}\n\n"
        "It will therefore not go to review. You are welcome to apply to a later round.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "award",
        "Grant award: {reference} – {title}",
        "Dear {contact_name}\n\n"
        "We are pleased to inform you that the USRG innovation fund panel approved a grant of "
        '{amount} to {applicant_name} for "{title}" ({reference}) in the {round_name}.\n\n'
        "Conditions of the grant:\n{conditions}\n\n"
        "Payments:\n{tranche_schedule}\n\n"
        "Reporting:\n{reporting_duties}\n\n"
        "Please sign the acceptance slip below and return it to the secretariat within 30 days.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "decline",
        "Application {reference}: outcome",
        "Dear {contact_name}\n\n"
        'Thank you for the application "{title}" ({reference}) from {applicant_name} to the '
        "{round_name}. After review, the panel was not able to fund it in this round.\n\n"
        "The panel's feedback:\n{feedback}\n\n"
        "We hope this helps, and we encourage you to apply again.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
)

# -- the meetings ----------------------------------------------------------------------------------
_THEMES = (
    "Gender-based violence and femicide in public spaces",
    "Youth violence and gangs",
    "Safety in public transport",
    "Informal settlements and safety",
    "Alcohol harms and the night-time economy",
    "Data for safety: crime and violence observatories",
    "Safer schools and school routes",
    "Integrated safety planning under the 2016 White Paper",
    "Community safety forums and civilian oversight",
    "Trauma-informed practice in city services",
)
_APOLOGY_NOTES = (
    "Council meeting on the same day.",
    "On leave.",
    "Attending the budget hearings in Parliament.",
    "Ill.",
    "Clash with the provincial safety summit.",
)
_ACTION_TEMPLATES = (  # description, owner: host / city / secretariat / body:<short> / all
    ("Circulate a learning note on the exposure visit in {host}.", "host"),
    ("Share the draft {city} community safety plan with the USRG for peer comment.", "city"),
    ("Compile the city updates on {theme_lower} into a learning brief.", "secretariat"),
    ("Confirm the venue and exposure visit of the next meeting.", "secretariat"),
    ("Circulate the guidelines on community safety forums.", "body:CSPS"),
    ("Report back on the municipal safety planning toolkit.", "body:SALGA"),
    ("Send names for the working group on safe spaces for women.", "all"),
    ("Present the innovation fund's interim results at the next meeting.", "secretariat"),
)


# -- small helpers ---------------------------------------------------------------------------------
def _ascii(text_: str) -> str:
    """Letters only, without diacritics: "Ṱhalitshani" gives "thalitshani"."""
    decomposed = unicodedata.normalize("NFKD", text_)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _pdf(lines: Sequence[str]) -> bytes:
    """A small, valid one-page PDF showing `lines` (Helvetica, so ASCII only)."""

    def esc(s: str) -> str:
        flat = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        return flat.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 72 770 Td 15 TL " + " ".join(f"({esc(x)}) Tj T*" for x in lines)
    stream += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R "
        ">> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _in_blackout(d: date, periods: Sequence[tuple[int, int, int, int]]) -> bool:
    md = (d.month, d.day)
    for sm, sd, em, ed in periods:
        start, end = (sm, sd), (em, ed)
        inside = start <= md <= end if start <= end else (md >= start or md <= end)
        if inside:
            return True
    return False


@dataclass
class _RoundPlan:
    id: int
    year: int
    number: int
    name: str
    opens_on: date
    closes_on: date
    review_deadline: date
    panel_on: date | None  # None: the current round, still in review
    created_at: datetime
    admitted_body_ids: list[int]
    check_ids: list[int] = field(default_factory=list)
    apps: list[_App] = field(default_factory=list)
    budget_cents: int = MIN_BUDGET_CENTS
    status: str = "reviewing"
    last_sequence: int = 0
    last_closed_on: date | None = None

    @property
    def is_current(self) -> bool:
        return self.panel_on is None


@dataclass
class _App:
    round: _RoundPlan
    target: S | str
    prior: S | None = None  # the state a withdrawn application left
    id: int = 0
    city_id: int | None = None
    body_id: int | None = None
    contact_id: int | None = None
    requested: int = 0
    quality: float = 3.0
    ineligible: tuple[int, str] | None = None
    sequence: int | None = None
    reference: str | None = None
    title: str = ""
    created: datetime | None = None
    submitted: datetime | None = None
    screening: datetime | None = None
    screened: datetime | None = None
    reviewed: datetime | None = None
    reviewers: list[int] = field(default_factory=list)  # non-conflicted assignments
    scored_by: list[int] = field(default_factory=list)
    assignment_ids: dict[int, int] = field(default_factory=dict)  # reviewer id -> assignment id


# -- the builder -----------------------------------------------------------------------------------
class _DemoBuilder:
    """Collects every row of the demo in memory, then writes them table by table."""

    def __init__(self, session: Session, scale: _Scale, seed: int, today: date) -> None:
        self.session = session
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.yesterday = today - _DAY
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.next_id: dict[str, int] = {}
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()
        self.audit: list[tuple[datetime, int, dict[str, Any]]] = []
        self._load_reference()

    # -- reference data and ids ------------------------------------------------------------
    def _load_reference(self) -> None:
        s = self.session
        self.cities = s.execute(
            select(City.id, City.short_name, City.municipal_code)
            .where(City.active)
            .order_by(City.id)
        ).all()
        if not self.cities:
            raise WorkflowError("The database has no active member cities to build a demo on.")
        self.bodies = s.execute(select(Body.id, Body.short_name).order_by(Body.id)).all()
        self.body_by_name = {b.short_name: b.id for b in self.bodies}
        self.city_facts = {c.id: _CITIES.get(c.municipal_code, _OTHER_CITY) for c in self.cities}
        self.city_name = {c.id: c.short_name for c in self.cities}
        self.body_name = {b.id: b.short_name for b in self.bodies}
        rubric_id = s.scalar(select(Rubric.id).where(Rubric.is_default).order_by(Rubric.id))
        self.rubric_id = rubric_id or s.scalar(select(func.min(Rubric.id)))
        self.criteria = s.execute(
            select(Criterion.id, Criterion.weight_percent, Criterion.scale_min, Criterion.scale_max)
            .where(Criterion.rubric_id == self.rubric_id)
            .order_by(Criterion.position)
        ).all()
        self.blackouts = [
            tuple(r)
            for r in s.execute(
                select(
                    BlackoutPeriod.start_month,
                    BlackoutPeriod.start_day,
                    BlackoutPeriod.end_month,
                    BlackoutPeriod.end_day,
                ).order_by(BlackoutPeriod.id)
            )
        ]
        existing = s.execute(select(User.id, User.username)).all()
        self.existing_users = {u.username: u.id for u in existing}

    def new_id(self, table: str) -> int:
        if table not in self.next_id:
            t = Base.metadata.tables[table]
            self.next_id[table] = (self.session.scalar(select(func.max(t.c.id))) or 0) + 1
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, table: str, **values: Any) -> int:
        if "id" not in values and "id" in Base.metadata.tables[table].c:
            values["id"] = self.new_id(table)
        self.rows[table].append(values)
        return values.get("id", 0)

    def at(self, day: date, earliest: int = 6, latest: int = 14) -> datetime:
        """A time in office hours (South African time is UTC+2) on `day`, in UTC."""
        hour = self.rng.randint(earliest, latest)
        return datetime.combine(day, time(hour, self.rng.randrange(0, 60, 5)), tzinfo=UTC)

    def log(
        self,
        when: datetime,
        *,
        entity: str,
        entity_id: int,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str = "",
        detail: str = "",
    ) -> None:
        self.audit.append(
            (
                when,
                len(self.audit),
                {
                    "occurred_at": when,
                    "actor_user_id": self.staff_id,
                    "actor_name": self.staff_name,
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "reason": reason,
                    "detail": detail,
                },
            )
        )

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

    # -- rounds --------------------------------------------------------------------------------
    def plan_rounds(self) -> None:
        sc, rng = self.scale, self.rng
        current_opens = (self.today - relativedelta(months=5)).replace(day=1)
        per_year: dict[int, int] = defaultdict(int)
        self.rounds: list[_RoundPlan] = []
        admissible = [
            self.body_by_name[n] for n in ("SALGA", "CSPS", "DSD") if n in self.body_by_name
        ]
        for k in range(sc.rounds - 1, -1, -1):
            months_back = k * sc.months_between_rounds
            opens = current_opens - relativedelta(months=months_back)
            closes = opens + relativedelta(months=2) - _DAY
            current = k == 0
            deadline = self.today + timedelta(days=21) if current else closes + timedelta(days=42)
            per_year[opens.year] += 1
            number = per_year[opens.year]
            if sc.applications_per_round == 0:
                admitted = admissible[:2] if current else admissible[:1]
            else:
                admitted = sorted(rng.sample(admissible, min(len(admissible), rng.randint(1, 2))))
            self.rounds.append(
                _RoundPlan(
                    id=self.new_id("rounds"),
                    year=opens.year,
                    number=number,
                    name=f"Innovation Fund {opens.year} Round {number}",
                    opens_on=opens,
                    closes_on=closes,
                    review_deadline=deadline,
                    panel_on=None if current else deadline + timedelta(days=14),
                    created_at=self.at(opens - timedelta(days=30)),
                    admitted_body_ids=admitted,
                )
            )
        self.users_created = self.rounds[0].created_at - timedelta(days=30)

    def _targets(self, rp: _RoundPlan) -> list[S | str]:
        if self.scale.applications_per_round == 0:
            plan: list[tuple[Any, float]] = list(_SMALL_CURRENT if rp.is_current else _SMALL_PAST)
            targets = [state for state, n in plan for _ in range(int(n))]
        else:
            n = self.scale.applications_per_round
            shares = _LARGE_CURRENT if rp.is_current else _LARGE_PAST
            counts = [int(share * n) for _, share in shares]
            counts[max(range(len(counts)), key=lambda i: shares[i][1])] += n - sum(counts)
            targets = [
                state for (state, _), c in zip(shares, counts, strict=True) for _ in range(c)
            ]
        self.rng.shuffle(targets)
        return targets

    def build_rounds(self) -> None:
        for rp in self.rounds:
            for position, label in enumerate(_SCREENING_CHECKS, start=1):
                rp.check_ids.append(
                    self.add("screening_checks", round_id=rp.id, position=position, label=label)
                )
            for body_id in rp.admitted_body_ids:
                self.add("round_admitted_bodies", round_id=rp.id, body_id=body_id)
            self._plan_applications(rp)

    # -- applications --------------------------------------------------------------------------
    def _plan_applications(self, rp: _RoundPlan) -> None:
        rng = self.rng
        targets = self._targets(rp)
        n_body = max(1, round(0.08 * len(targets))) if rp.admitted_body_ids else 0
        body_slots = set(rng.sample(range(len(targets)), n_body))
        city_ids = [c.id for c in self.cities]
        apps: list[_App] = []
        for i, target in enumerate(targets):
            app = _App(round=rp, target=target)
            if i in body_slots:
                app.body_id = rng.choice(rp.admitted_body_ids)
                app.contact_id = rng.choice(self.body_focal.get(app.body_id) or [None])
            else:
                app.city_id = rng.choice(city_ids)
                app.contact_id = rng.choice(self.city_people[app.city_id])
            if target == S.WITHDRAWN:
                app.prior = rng.choice((S.SUBMITTED, S.SCREENING, S.IN_REVIEW))
            # R 80 000 to R 400 000: round sums, or quotes with VAT down to the cent.
            if rng.random() < 0.5:
                app.requested = rng.randint(160, 800) * 500_00
            else:
                app.requested = rng.randint(80_000_00, CAP_CENTS)
            if target == "funded" or target in _FUNDED:
                app.quality = rng.uniform(3.7, 4.7)
            elif target == S.DECLINED:
                app.quality = rng.uniform(1.8, 3.3)
            else:
                app.quality = rng.uniform(2.2, 4.5)
            self._early_timeline(app)
            apps.append(app)
        apps.sort(key=lambda a: a.created)  # ids follow the order people created them in
        for app in apps:
            app.id = self.new_id("applications")
        sequence = 0
        for app in sorted((a for a in apps if a.submitted), key=lambda a: a.submitted):
            sequence += 1
            app.sequence = sequence
        rp.last_sequence = sequence
        rp.apps = apps

    def _reaches(self, app: _App, state: S) -> bool:
        """Whether the application went through `state` on its way to where it is."""
        order = [S.DRAFT, S.SUBMITTED, S.SCREENING, S.IN_REVIEW, S.REVIEWED]
        target = app.prior if app.target == S.WITHDRAWN else app.target
        if target == S.INELIGIBLE:
            return state in (S.DRAFT, S.SUBMITTED, S.SCREENING)
        if target in order:
            return order.index(state) <= order.index(target)  # type: ignore[arg-type]
        return True  # decided: went through every step of the review

    def _early_timeline(self, app: _App) -> None:
        rng, rp = self.rng, app.round
        span = (rp.closes_on - rp.opens_on).days
        app.created = self.at(rp.opens_on + timedelta(days=rng.randint(0, span - 5)))
        if self._reaches(app, S.SUBMITTED):
            day = min(app.created.date() + timedelta(days=rng.randint(1, 14)), rp.closes_on)
            app.submitted = self.at(day)
        if self._reaches(app, S.SCREENING):
            app.screening = self.at(rp.closes_on + timedelta(days=rng.randint(1, 8)))
            if app.target == S.INELIGIBLE or self._reaches(app, S.IN_REVIEW):
                app.screened = self.at(app.screening.date() + timedelta(days=rng.randint(2, 12)))
        if app.target == S.INELIGIBLE:
            app.ineligible = rng.choice(_INELIGIBLE)

    def _project_dates(self, app: _App) -> tuple[date, date]:
        rp = app.round
        anchor = rp.panel_on or self.today
        starts = (anchor + relativedelta(months=2)).replace(day=1)
        months = 18 if app.ineligible and app.ineligible[0] == 3 else 12
        return starts, starts + relativedelta(months=months) - _DAY

    def write_applications(self) -> None:
        rng = self.rng
        self.app_row: dict[int, dict[str, Any]] = {}
        for rp in self.rounds:
            deck: list[int] = []  # each project idea once before any repeats within a round
            for app in rp.apps:
                if app.body_id is not None:
                    title, summary, problem, intervention = rng.choice(_BODY_PROJECTS)
                    place, city = "the member cities", "the member cities"
                else:
                    if not deck:
                        deck = list(range(len(_PROJECTS)))
                        rng.shuffle(deck)
                    title, summary, problem, intervention = _PROJECTS[deck.pop()]
                    facts = self.city_facts[app.city_id]  # type: ignore[index]
                    place = rng.choice(facts.places)
                    city = self.city_name[app.city_id].removeprefix("City of ")
                starts, ends = self._project_dates(app)
                seq = app.sequence
                ref = f"USRG-IF-{rp.year}-{rp.number}-{seq:03d}" if seq else None
                app.reference = ref
                app.title = title.format(place=place, city=city)
                self.add(
                    "applications",
                    id=app.id,
                    round_id=rp.id,
                    reference=ref,
                    sequence=seq,
                    applicant_city_id=app.city_id,
                    applicant_body_id=app.body_id,
                    title=app.title,
                    summary=summary.format(place=place, city=city),
                    problem=problem.format(place=place, city=city),
                    intervention=intervention.format(place=place, city=city),
                    requested_cents=app.requested,
                    starts_on=starts,
                    ends_on=ends,
                    contact_person_id=app.contact_id,
                    state="",
                    state_changed_at=None,
                    created_at=app.created,
                    withdrawn_reason="",
                )
                self.app_row[app.id] = self.rows["applications"][-1]
                self._budget_lines(app)
                self._attachments(app, ref)
                self._screening_results(app)

    def _budget_lines(self, app: _App) -> None:
        rng = self.rng
        items = rng.sample(_BUDGET_ITEMS, rng.randint(2, 5))
        # Cut points in whole R 100s; the last line takes what is left, so lines add up exactly.
        units = app.requested // 100_00
        cuts = sorted(rng.sample(range(1, units), len(items) - 1))
        bounds = [0, *cuts, units]
        amounts = [(bounds[i + 1] - bounds[i]) * 100_00 for i in range(len(items))]
        amounts[-1] += app.requested - sum(amounts)
        for position, (item, amount) in enumerate(zip(items, amounts, strict=True), start=1):
            self.add(
                "budget_lines",
                application_id=app.id,
                position=position,
                description=item,
                amount_cents=amount,
            )

    def _attachments(self, app: _App, reference: str | None) -> None:
        label = reference or "draft"
        files: list[tuple[str, str, str, bytes]] = []
        if app.submitted or self.rng.random() < 0.5:
            pdf = _pdf(
                [
                    f"USRG innovation fund proposal {label}",
                    app.title,
                    "Proposal narrative and work plan.",
                ]
            )
            files.append(("proposal", f"proposal-{label}.pdf", "application/pdf", pdf))
        if app.submitted:
            lines = self._last_lines(app.id)
            csv_text = "position,description,amount_rand\r\n" + "".join(
                f'{r["position"]},"{r["description"]}",{r["amount_cents"] / 100:.2f}\r\n'
                for r in lines
            )
            files.append(("budget", f"budget-{label}.csv", "text/csv", csv_text.encode()))
            if self.rng.random() < 0.3:
                pdf = _pdf(
                    [f"Letter of support for {label}", "The department supports this application."]
                )
                files.append(("letter of support", f"support-{label}.pdf", "application/pdf", pdf))
        for k, (kind, filename, media, content) in enumerate(files, start=1):
            self.add(
                "attachments",
                application_id=app.id,
                kind=kind,
                filename=filename,
                media_type=media,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                added_at=app.created + timedelta(minutes=10 * k),
            )

    def _last_lines(self, application_id: int) -> list[dict[str, Any]]:
        # The application's budget lines are the last ones added.
        lines = []
        for row in reversed(self.rows["budget_lines"]):
            if row["application_id"] != application_id:
                break
            lines.append(row)
        return lines[::-1]

    def _screening_results(self, app: _App) -> None:
        if app.screening is None:
            return
        rp, rng = app.round, self.rng
        if app.screened is None:  # still in screening (or withdrawn there): partly ticked
            ticked = rp.check_ids[: rng.randint(1, len(rp.check_ids) - 1)]
            for k, check_id in enumerate(ticked, start=1):
                when = app.screening + timedelta(minutes=20 * k)
                self.add(
                    "screening_results",
                    application_id=app.id,
                    check_id=check_id,
                    passed=True,
                    note="",
                    checked_by_user_id=self.staff_id,
                    checked_at=when,
                )
            return
        for index, check_id in enumerate(rp.check_ids):
            failed = app.ineligible is not None and app.ineligible[0] == index
            when = app.screened - timedelta(hours=1, minutes=5 * (len(rp.check_ids) - index))
            self.add(
                "screening_results",
                application_id=app.id,
                check_id=check_id,
                passed=not failed,
                note=app.ineligible[1] if failed else "",  # type: ignore[index]
                checked_by_user_id=self.staff_id,
                checked_at=when,
            )

    # -- review ---------------------------------------------------------------------------------
    def build_reviews(self) -> None:
        rng = self.rng
        for rp in self.rounds:
            load = dict.fromkeys(self.reviewer_ids, 0)
            batch_day = rp.closes_on + timedelta(days=22)
            packet_day = rp.closes_on + timedelta(days=24)
            review_end = (
                self.today - timedelta(days=10) if rp.is_current else (rp.review_deadline - _DAY)
            )
            in_review = [a for a in rp.apps if a.screened and a.ineligible is None]
            n_conflicts = (
                2
                if self.scale.applications_per_round == 0 and rp.is_current
                else (0 if self.scale.applications_per_round == 0 else len(in_review) // 150)
            )
            open_to_conflict = [a.id for a in in_review if a.target != S.WITHDRAWN]
            conflict_apps = set(
                rng.sample(open_to_conflict, min(n_conflicts, len(open_to_conflict)))
            )
            assignments: list[dict[str, Any]] = []
            for app in in_review:
                candidates = [
                    r
                    for r in self.reviewer_ids
                    if (app.city_id not in self.reviewer_cities[r])
                    and (app.body_id not in self.reviewer_bodies[r])
                ]
                rng.shuffle(candidates)
                candidates.sort(key=load.__getitem__)  # least loaded first; shuffle breaks ties
                chosen = candidates[:3]
                for r in chosen:
                    load[r] += 1
                    row = {
                        "id": self.new_id("assignments"),
                        "application_id": app.id,
                        "reviewer_id": r,
                        "method": "automatic",
                        "status": "assigned",
                        "assigned_at": self.at(batch_day, 6, 7),
                        "recommendation": None,
                        "overall_comment": "",
                        "scored_at": None,
                        "scores_import_id": None,
                    }
                    assignments.append(row)
                    app.assignment_ids[r] = row["id"]
                app.reviewers = list(chosen)
                if app.id in conflict_apps:
                    gone = rng.choice(chosen)
                    kind, reason = rng.choice(_CONFLICT_REASONS)
                    declared = self.at(packet_day + timedelta(days=rng.randint(1, 2)))
                    self.add(
                        "conflicts",
                        reviewer_id=gone,
                        application_id=app.id,
                        kind=kind,
                        reason=reason,
                        declared_at=declared,
                    )
                    for row in assignments[-3:]:
                        if row["reviewer_id"] == gone:
                            row["status"] = "conflict"
                    replacement = candidates[3]
                    load[replacement] += 1
                    row = {
                        "id": self.new_id("assignments"),
                        "application_id": app.id,
                        "reviewer_id": replacement,
                        "method": "manual",
                        "status": "assigned",
                        "assigned_at": declared + timedelta(days=1),
                        "recommendation": None,
                        "overall_comment": "",
                        "scored_at": None,
                        "scores_import_id": None,
                    }
                    assignments.append(row)
                    app.assignment_ids[replacement] = row["id"]
                    app.reviewers = [r for r in chosen if r != gone] + [replacement]
            # Who scored what: everything decided was fully reviewed, in review only in part.
            for app in in_review:
                if app.target in _REVIEWED_OR_LATER or app.target == "funded":
                    app.scored_by = list(app.reviewers)
                elif app.target == S.IN_REVIEW:
                    app.scored_by = rng.sample(app.reviewers, rng.choice((0, 1, 1, 2, 2)))
            # One packet per reviewer with work in the round; one scores file back from each.
            by_id = {row["id"]: row for row in assignments}
            packets: dict[int, int] = {}
            exports: dict[int, datetime] = {}
            imports: dict[int, int] = {}
            for r in self.reviewer_ids:
                if not load[r]:
                    continue
                uid = rng.randbytes(16).hex()
                packets[r] = self.add(
                    "review_packets",
                    round_id=rp.id,
                    reviewer_id=r,
                    packet_uid=uid,
                    signing_secret=rng.randbytes(32).hex(),
                    issued_at=self.at(packet_day),
                )
                first = rp.closes_on + timedelta(days=30)
                day = first + timedelta(days=rng.randint(0, max(0, (review_end - first).days)))
                exports[r] = self.at(day)
            for app in in_review:
                for r in app.scored_by:
                    if r not in imports:
                        exported = exports[r]
                        imports[r] = self.add(
                            "scores_imports",
                            packet_id=packets[r],
                            file_sha256=hashlib.sha256(
                                f"{packets[r]}:{exported.isoformat()}".encode()
                            ).hexdigest(),
                            exported_at=exported,
                            imported_at=exported + timedelta(hours=2),
                            imported_by_user_id=self.staff_id,
                            superseded=False,
                        )
                    self._score(app, by_id[app.assignment_ids[r]], exports[r], imports[r])
                if app.target in _REVIEWED_OR_LATER or app.target == "funded":
                    last = max(exports[r] for r in app.scored_by) + timedelta(hours=2)
                    app.reviewed = self.at(last.date() + timedelta(days=rng.randint(1, 3)))
            self.rows["assignments"].extend(assignments)

    def _score(
        self, app: _App, assignment: dict[str, Any], exported: datetime, import_id: int
    ) -> None:
        rng = self.rng
        bias = self.severity[assignment["reviewer_id"]]
        total = weights = 0
        for crit in self.criteria:
            value = round(app.quality + bias + rng.gauss(0, 0.55))
            value = max(crit.scale_min, min(crit.scale_max, value))
            total += value * crit.weight_percent
            weights += crit.weight_percent
            comment = _SCORE_COMMENTS.get(value, "") if rng.random() < 0.25 else ""
            self.add(
                "scores",
                assignment_id=assignment["id"],
                criterion_id=crit.id,
                score=value,
                comment=comment,
            )
        mean = total / weights
        recommendation = (
            Recommendation.FUND
            if mean >= 3.9
            else Recommendation.FUND_WITH_CONDITIONS
            if mean >= 3.0
            else Recommendation.DO_NOT_FUND
        ).value
        assignment.update(
            status="scored",
            recommendation=recommendation,
            overall_comment=rng.choice(_REVIEW_COMMENTS[recommendation]),
            scored_at=exported - timedelta(minutes=rng.randint(20, 600)),
            scores_import_id=import_id,
        )

    # -- decisions, awards, history -----------------------------------------------------------
    def build_outcomes(self) -> None:
        award_numbers: dict[int, int] = defaultdict(int)
        for rp in self.rounds:
            decision_day = rp.panel_on or (self.today - timedelta(days=3))
            for app in rp.apps:
                if app.target == "funded":
                    app.target = self._funded_state(decision_day)
            funded = [a for a in rp.apps if a.target in _FUNDED]
            # A budget that covers the funded grants at R 300 000 each on average (in whole
            # R 500 000s, at least R 3 million); no grant gets more than an equal share of it,
            # so the round's commitments can never exceed its budget.
            rp.budget_cents = max(
                MIN_BUDGET_CENTS, -(-len(funded) * 300_000_00 // 500_000_00) * 500_000_00
            )
            share = rp.budget_cents // max(1, len(funded))
            unfinished = False
            for app in rp.apps:
                self._history(app, decision_day, share, award_numbers)
                unfinished |= app.target in (S.APPROVED, S.AWARDED, S.ACTIVE)
            rp.status = "reviewing" if rp.is_current else ("decided" if unfinished else "archived")
            self._round_rows(rp)

    def _funded_state(self, decision_day: date) -> S:
        """Where a funded application of the large demo stands today, given its panel date."""
        rng = self.rng
        # The latest dates _award can give, so that the state chosen here is always reachable.
        awarded = decision_day + timedelta(days=15)
        signed = awarded + timedelta(days=30)
        final_due = signed + relativedelta(months=12)
        if awarded >= self.yesterday:
            return S.APPROVED
        if signed >= self.yesterday:
            return S.AWARDED
        if self.today - decision_day < timedelta(days=300) and rng.random() < 0.12:
            return S.AWARDED  # the agreement is still with the city's legal department
        if final_due + timedelta(days=60) > self.today:
            return S.ACTIVE
        # A few final reports stay outstanding for a while; none for years.
        if self.today - final_due < timedelta(days=540) and rng.random() < 0.05:
            return S.ACTIVE
        return S.CLOSED

    def _history(
        self, app: _App, decision_day: date, share: int, award_numbers: dict[int, int]
    ) -> None:
        rng, rp = self.rng, app.round
        target: S = app.target  # type: ignore[assignment]
        events: list[tuple[S, datetime, str, str]] = [(S.DRAFT, app.created, "", "")]  # type: ignore[list-item]
        if app.submitted:
            events.append((S.SUBMITTED, app.submitted, "", ""))
        if app.screening:
            events.append((S.SCREENING, app.screening, "", ""))
        if app.screened:
            if app.ineligible:
                events.append((S.INELIGIBLE, app.screened, app.ineligible[1], ""))
            else:
                events.append((S.IN_REVIEW, app.screened, "", ""))
        if app.reviewed is not None:
            events.append((S.REVIEWED, app.reviewed, "", ""))
        if target == S.WITHDRAWN:
            last = events[-1][1]
            gap = (
                (rp.closes_on + timedelta(days=22 + rng.randint(2, 6)))
                if app.prior == (S.IN_REVIEW)
                else last.date() + timedelta(days=rng.randint(1, 6))
            )
            reason = rng.choice(_WITHDRAWN_REASONS)
            events.append((S.WITHDRAWN, self.at(min(gap, self.yesterday)), reason, ""))
        decided_at = self.at(decision_day, 6, 11)
        if target == S.DECLINED:
            reason = rng.choice(_DECLINE_REASONS)
            self.add(
                "decisions",
                application_id=app.id,
                outcome="declined",
                amount_cents=None,
                conditions="",
                reasons=reason,
                feedback=rng.choice(_FEEDBACK),
                decided_at=decided_at,
                decided_by_user_id=self.staff_id,
            )
            events.append((S.DECLINED, decided_at, reason, ""))
        if target in _FUNDED:
            amount = app.requested
            if rng.random() < 0.3:  # the panel trims some budgets, to whole R 1 000s
                amount = amount * rng.randint(80, 95) // 100 // 1_000_00 * 1_000_00
            amount = min(amount, share, CAP_CENTS)
            reason = rng.choice(_APPROVE_REASONS)
            conditions = rng.choice(_CONDITIONS) if rng.random() < 0.4 else ""
            self.add(
                "decisions",
                application_id=app.id,
                outcome="approved",
                amount_cents=amount,
                conditions=conditions,
                reasons=reason,
                feedback="",
                decided_at=decided_at,
                decided_by_user_id=self.staff_id,
            )
            events.append((S.APPROVED, decided_at, reason, f"amount {format_zar(amount)}"))
            if target != S.APPROVED:
                events.extend(self._award(app, amount, decision_day, award_numbers))
        # The history, as the state machine would have written it.
        previous: S | None = None
        for state, when, reason, detail in events:
            action = "create" if previous is None else _ACTION[state]
            self.log(
                when,
                entity="application",
                entity_id=app.id,
                action=action,
                from_state=previous.value if previous else None,
                to_state=state.value,
                reason=reason,
                detail=detail,
            )
            previous = state
        row = self.app_row[app.id]
        row["state"] = target.value
        row["state_changed_at"] = events[-1][1]
        if target == S.WITHDRAWN:
            row["withdrawn_reason"] = events[-1][2]

    def _award(
        self, app: _App, amount: int, decision_day: date, award_numbers: dict[int, int]
    ) -> list[tuple[S, datetime, str, str]]:
        rng, rp, target = self.rng, app.round, app.target
        events: list[tuple[S, datetime, str, str]] = []
        awarded_on = min(decision_day + timedelta(days=rng.randint(5, 15)), self.yesterday)
        award_numbers[rp.year] += 1
        number = f"USRG-AW-{rp.year}-{award_numbers[rp.year]:03d}"
        events.append((S.AWARDED, self.at(awarded_on), "", f"award {number}"))
        signed = None
        if target in (S.ACTIVE, S.CLOSED):
            signed = min(awarded_on + timedelta(days=rng.randint(10, 30)), self.yesterday)
            events.append((S.ACTIVE, self.at(signed), "", ""))
        # The first tranche is due at the signature (or when it is expected); the reports at the
        # project's middle and a month after its end, on working days (as project_dates does).
        base = signed or next_working_day(awarded_on + timedelta(days=30))
        starts, ends = self._project_dates(app)
        interim_due = next_working_day(starts + (ends - starts) // 2)
        final_due = next_working_day(ends + timedelta(days=30))
        last_ok = self.today - timedelta(days=2)
        paid: list[date | None] = [None, None, None]
        interim = [None, None]  # received, accepted
        final = [None, None]
        closed_on = None
        if target in (S.ACTIVE, S.CLOSED):
            assert signed is not None
            paid[0] = signed + timedelta(days=rng.randint(5, 20))
            if target == S.CLOSED or (interim_due <= last_ok and rng.random() < 0.8):
                received = max(
                    interim_due + timedelta(days=rng.randint(-14, 21)), signed + timedelta(days=30)
                )
                interim[0] = min(received, last_ok)
                accepted = interim[0] + timedelta(days=rng.randint(3, 20))
                if target == S.CLOSED or accepted <= last_ok:
                    interim[1] = accepted
                    paid[1] = accepted + timedelta(days=rng.randint(5, 20))
            if target == S.CLOSED:
                accepted = min(
                    final_due + timedelta(days=rng.randint(-20, 25)),
                    self.today - timedelta(days=25),
                )
                accepted = max(accepted, interim[1] + timedelta(days=30))  # type: ignore[operator]
                final = [accepted - timedelta(days=rng.randint(3, 15)), accepted]
                paid[2] = accepted + timedelta(days=rng.randint(5, 20))
                closed_on = min(paid[2] + timedelta(days=rng.randint(1, 5)), self.yesterday)
                rp.last_closed_on = max(rp.last_closed_on or closed_on, closed_on)
                events.append((S.CLOSED, self.at(closed_on), "", ""))
            elif final_due <= last_ok and rng.random() < 0.4:
                final[0] = min(final_due + timedelta(days=rng.randint(-10, 30)), last_ok)
        # Nothing paid in the future: an active grant's dates stop at yesterday.
        paid = [p if p is None or p <= self.yesterday else None for p in paid]
        award_id = self.add(
            "awards",
            number=number,
            application_id=app.id,
            amount_cents=amount,
            awarded_on=awarded_on,
            agreement_signed_on=signed,
            closed_on=closed_on,
        )
        first = amount * 50 // 100
        second = amount * 40 // 100
        for position, (trigger, percent, cents, due) in enumerate(
            (
                ("signature", 50, first, base),
                ("interim report", 40, second, interim_due),
                ("final report", 10, amount - first - second, final_due),  # takes the remainder
            ),
            start=1,
        ):
            self.add(
                "tranches",
                award_id=award_id,
                position=position,
                trigger=trigger,
                percent=percent,
                amount_cents=cents,
                due_on=due,
                paid_on=paid[position - 1],
                paid_cents=cents if paid[position - 1] else None,
                cancelled_reason="",
            )
        for kind, due, (received, accepted) in (
            ("interim report", interim_due, interim),
            ("final report", final_due, final),
        ):
            note = (
                "Accepted by the secretariat."
                if accepted
                else "Received; under review by the secretariat."
                if received
                else ""
            )
            self.add(
                "milestones",
                award_id=award_id,
                kind=kind,
                due_on=due,
                received_on=received,
                accepted_on=accepted,
                note=note,
            )
        return events

    def _round_rows(self, rp: _RoundPlan) -> None:
        self.add(
            "rounds",
            id=rp.id,
            name=rp.name,
            year=rp.year,
            number=rp.number,
            opens_on=rp.opens_on,
            closes_on=rp.closes_on,
            budget_cents=rp.budget_cents,
            cap_cents=CAP_CENTS,
            reviews_needed=3,
            review_deadline=rp.review_deadline,
            status=rp.status,
            rubric_id=self.rubric_id,
            last_sequence=rp.last_sequence,
            created_at=rp.created_at,
        )
        steps = [
            ("draft", rp.created_at, "create"),
            ("open", self.at(rp.opens_on, 5, 5), "open"),
            ("closed", self.at(rp.closes_on + _DAY, 5, 5), "close"),
            ("reviewing", self.at(rp.closes_on + timedelta(days=21), 15, 15), "start_review"),
        ]
        if rp.panel_on:
            steps.append(("decided", self.at(rp.panel_on, 15, 15), "decide"))
        if rp.status == "archived" and rp.panel_on:
            last = max(rp.last_closed_on or rp.panel_on, rp.panel_on)
            day = min(last + timedelta(days=30), self.yesterday)
            steps.append(("archived", self.at(day, 15, 15), "archive"))
        previous = None
        for status, when, action in steps:
            self.log(
                when,
                entity="round",
                entity_id=rp.id,
                action=action,
                from_state=previous,
                to_state=status,
            )
            previous = status

    # -- letters ----------------------------------------------------------------------------------
    def build_letter_templates(self) -> None:
        admin = self.user_ids["admin"]
        for kind, subject, body in _LETTER_TEMPLATES:
            self.add(
                "letter_templates",
                kind=kind,
                version=1,
                subject=subject,
                body=body,
                created_at=self.users_created + timedelta(days=1),
                created_by_user_id=admin,
            )

    # -- meetings ---------------------------------------------------------------------------------
    def _meeting_dates(self, year: int, quarter: int, za: Any) -> tuple[date, date]:
        middle = datetime(year, 3 * quarter - 1, 1)
        # The quarter's preferred weeks: the second to fourth week of its middle month; a
        # meeting starts Monday to Thursday so that its second day is a weekday too.
        days = rrule(
            DAILY,
            dtstart=middle + timedelta(days=7),
            until=middle + timedelta(days=27),
            byweekday=(MO, TU, WE, TH),
        )
        good = []
        for dt in days:
            start = dt.date()
            end = start + _DAY
            if any(d in za or _in_blackout(d, self.blackouts) for d in (start, end)):
                continue
            if start <= self.today <= end:
                continue  # a meeting is either held already or still ahead, never half-way
            good.append(start)
        start = self.rng.choice(good[:6])
        return start, start + _DAY

    def build_meetings(self) -> None:
        sc = self.scale
        this_quarter = self.today.year * 4 + _quarter_of(self.today) - 1
        first_quarter = FIRST_MEETING_YEAR * 4
        if sc.meetings:
            quarters = list(range(first_quarter, first_quarter + sc.meetings))
        else:
            quarters = list(range(this_quarter - 9, this_quarter + 6))
        years = range(quarters[0] // 4, quarters[-1] // 4 + 2)
        za = holidays.country_holidays("ZA", years=years)
        dated = []
        for q in quarters:
            start, end = self._meeting_dates(q // 4, q % 4 + 1, za)
            dated.append((q, start, end))
        if not sc.meetings:
            held = [m for m in dated if m[2] < self.today][-8:]
            planned = [m for m in dated if m[2] >= self.today][:4]
            dated = held + planned
        hosts = self._rotation(dated, self._unavailability())
        invitees = [pid for pids in self.city_focal.values() for pid in pids]
        invitees += [pid for pids in self.body_focal.values() for pid in pids]
        invitees += [pid for pid, _, _, _ in self.secretariat]
        self.action_number = 0
        self.open_actions: list[dict[str, Any]] = []
        # Numbered from the first USRG meeting in 2014 Q1 (the quarters are consecutive).
        first_number = max(1, dated[0][0] - first_quarter + 1)
        meetings = [
            (first_number + i, q, hosts[i], start, end) for i, (q, start, end) in enumerate(dated)
        ]
        held_numbers = [m[0] for m in meetings if m[4] < self.today]
        for index, (number, q, host, start, end) in enumerate(meetings):
            nxt = meetings[index + 1] if index + 1 < len(meetings) else None
            self._meeting(
                number,
                q,
                host,
                start,
                end,
                nxt,
                invitees,
                held_numbers,
                first_planned=(
                    end >= self.today and (index == 0 or meetings[index - 1][4] < self.today)
                ),
            )
        self._volunteers(meetings)

    def _meeting(
        self,
        number: int,
        q: int,
        host: int,
        start: date,
        end: date,
        nxt: tuple | None,
        invitees: list[int],
        held_numbers: list[int],
        first_planned: bool,
    ) -> None:
        rng = self.rng
        facts = self.city_facts[host]
        held = end < self.today
        site, purpose = rng.choice(facts.sites)
        focal = self.city_focal[host]
        host_contact = focal[0]
        theme = _THEMES[number % len(_THEMES)]
        updated = (
            min(end + timedelta(days=rng.randint(3, 10)), self.yesterday)
            if held
            else self.today - timedelta(days=rng.randint(5, 60))
        )
        meeting_id = self.add(
            "meetings",
            number=number,
            year=q // 4,
            quarter=q % 4 + 1,
            host_city_id=host,
            starts_on=start,
            ends_on=end,
            day1_start=time(9, 0),
            day1_end=time(17, 0),
            day2_start=time(8, 30),
            day2_end=time(13, 0),
            venue=facts.venue,
            status="held" if held else "planned",
            cancelled_reason="",
            exposure_site=site,
            exposure_purpose=purpose,
            # No times here: the visit's times come from the agenda (workflows/meeting_times).
            exposure_transport="A municipal bus takes the group from the venue and back; "
            "wear comfortable shoes.",
            exposure_contact=f"{self.person_name[host_contact]}, "
            f"{self.rows['people'][self._person_index(host_contact)]['phone']}",
            ics_sequence=1 if rng.random() < 0.15 else 0,
            updated_at=self.at(updated),
        )
        items = self._agenda(meeting_id, host, theme, site, nxt)
        # Invitations: every focal person and the secretariat.
        for pid in invitees:
            city_of = self.rows["people"][self._person_index(pid)]["city_id"]
            if held:
                roll = rng.random()
                rsvp = (
                    "accepted"
                    if city_of == host or roll < 0.78
                    else ("apology" if roll < 0.95 else "declined")
                )
            elif first_planned:
                roll = rng.random()
                rsvp = "accepted" if roll < 0.5 else ("apology" if roll < 0.6 else "pending")
            else:
                rsvp = "pending"
            day1 = held and rsvp == "accepted" and rng.random() < 0.95
            self.add(
                "invitations",
                meeting_id=meeting_id,
                person_id=pid,
                rsvp=rsvp,
                apology_note=rng.choice(_APOLOGY_NOTES) if rsvp == "apology" else "",
                attended_day1=day1,
                attended_day2=day1 and rng.random() < 0.9,
                attended_visit=day1 and rng.random() < 0.85,
            )
        if held:
            self._minutes_and_actions(
                meeting_id, number, host, end, theme, items, nxt, held_numbers
            )

    def _person_index(self, pid: int) -> int:
        if not hasattr(self, "_people_index"):
            self._people_index = {r["id"]: i for i, r in enumerate(self.rows["people"])}
        return self._people_index[pid]

    def _agenda(
        self, meeting_id: int, host: int, theme: str, site: str, nxt: tuple | None
    ) -> dict[str, int]:
        K, P = AgendaItemKind, AgendaPurpose
        city = self.city_name[host]
        host_person = self.person_name[self.city_focal[host][0]]
        chair = self.secretariat[0][1]
        coordinator = self.secretariat[1][1]
        next_city = self.city_name[nxt[2]] if nxt else "to be confirmed"
        template = (  # key, day, kind, title, presenter, minutes, purpose
            ("welcome", 1, K.WELCOME, f"Welcome by the {city}", host_person, 15, P.INFORMATION),
            (
                "apologies",
                1,
                K.SESSION,
                "Apologies, introductions and declarations of interest",
                chair,
                15,
                P.INFORMATION,
            ),
            ("minutes", 1, K.SESSION, "Minutes of the previous meeting", chair, 15, P.DECISION),
            (
                "matters",
                1,
                K.DISCUSSION,
                "Matters arising and the action-item tracker",
                chair,
                30,
                P.DISCUSSION,
            ),
            ("tea1", 1, K.BREAK, "Tea", "", 15, P.INFORMATION),
            ("cities", 1, K.PRESENTATION, "City updates", "Member cities", 60, P.INFORMATION),
            (
                "national",
                1,
                K.PRESENTATION,
                "National updates",
                "CoGTA, CSPS, SALGA, DSD",
                45,
                P.INFORMATION,
            ),
            ("lunch1", 1, K.LUNCH, "Lunch", "", 45, P.INFORMATION),
            (
                "visit",
                1,
                K.EXPOSURE_VISIT,
                f"Exposure visit: {site}",
                host_person,
                210,
                P.INFORMATION,
            ),
            (
                "reflect",
                1,
                K.DISCUSSION,
                "Reflections on the exposure visit",
                coordinator,
                30,
                P.DISCUSSION,
            ),
            ("recap", 2, K.SESSION, "Recap of day one", coordinator, 15, P.INFORMATION),
            (
                "theme",
                2,
                K.PRESENTATION,
                f"Thematic session: {theme}",
                "Invited speakers",
                75,
                P.DISCUSSION,
            ),
            ("tea2", 2, K.BREAK, "Tea", "", 15, P.INFORMATION),
            ("groups", 2, K.DISCUSSION, "Working groups", "Working group leads", 60, P.DISCUSSION),
            ("fund", 2, K.PRESENTATION, "Innovation fund update", chair, 45, P.DECISION),
            (
                "next",
                2,
                K.SESSION,
                f"Next meeting: host ({next_city}), dates and theme",
                chair,
                15,
                P.DECISION,
            ),
            ("close", 2, K.CLOSING, "Any other business and close", chair, 15, P.INFORMATION),
            ("lunch2", 2, K.LUNCH, "Lunch and departure", "", 30, P.INFORMATION),
        )
        ids: dict[str, int] = {}
        position = {1: 0, 2: 0}
        for key, day, kind, title, presenter, minutes, purpose in template:
            position[day] += 1
            ids[key] = self.add(
                "agenda_items",
                meeting_id=meeting_id,
                day=day,
                position=position[day],
                kind=kind.value,
                title=title,
                presenter=presenter,
                duration_minutes=minutes,
                purpose=purpose.value,
                description="",
            )
        return ids

    def _minutes_and_actions(
        self,
        meeting_id: int,
        number: int,
        host: int,
        end: date,
        theme: str,
        items: dict[str, int],
        nxt: tuple | None,
        held_numbers: list[int],
    ) -> None:
        rng = self.rng
        city = self.city_name[host]
        recorded = self.at(min(end + timedelta(days=rng.randint(1, 5)), self.yesterday))
        carried = [a for a in self.open_actions if a["status"] in ("open", "in progress")]
        texts = {
            "minutes": f"The minutes of meeting {number - 1} were adopted without changes."
            if number > 1
            else "This was the first meeting; there were no earlier minutes.",
            "matters": f"{len(carried)} open action item(s) were reviewed and carried forward."
            if carried
            else "All earlier action items were done.",
            "cities": "Cities reported on their safety plans, budgets and recent incidents; "
            f"{city} described its new approach to {theme.lower()}.",
            "national": "CoGTA reported on the Integrated Urban Development Framework; CSPS on "
            "the community safety forum regulations; SALGA on its municipal safety toolkit.",
            "theme": f"The session on {theme.lower()} heard three practitioners; members agreed "
            "to share their own material before the next meeting.",
            "fund": "The secretariat reported on the innovation fund: applications received, "
            "reviews under way and grants paid.",
            "next": f"The next meeting will be hosted by {self.city_name[nxt[2]]}."
            if nxt
            else "The next host will be confirmed by the secretariat.",
        }
        for key, minute in texts.items():
            self.add(
                "minutes",
                meeting_id=meeting_id,
                agenda_item_id=items[key],
                text=minute,
                recorded_at=recorded,
            )
        recent = number in held_numbers[-2:]
        due = (nxt[3] - timedelta(days=7)) if nxt else end + timedelta(days=90)
        for description, owner in rng.sample(_ACTION_TEMPLATES, rng.randint(2, 4)):
            owner_id, owner_text = None, ""
            if owner == "host":
                owner_id = self.city_focal[host][0]
            elif owner == "city":
                c = rng.choice(list(self.city_focal))
                owner_id = self.city_focal[c][0]
                description = description.replace("{city}", self.city_name[c])
            elif owner == "secretariat":
                owner_id = self.secretariat[rng.randint(0, 1)][0]
            elif owner.startswith("body:"):
                b = self.body_by_name.get(owner[5:])
                owner_id = self.body_focal[b][0] if b in self.body_focal else None
                owner_text = "" if owner_id else owner[5:]
            else:
                owner_text = "All member cities"
            roll = rng.random()
            if recent:
                status = "open" if roll < 0.5 else ("in progress" if roll < 0.9 else "done")
            else:
                status = (
                    "done"
                    if roll < 0.8
                    else "dropped"
                    if roll < 0.85
                    else "open"
                    if roll < 0.95
                    else "in progress"
                )
            done_on = None
            if status == "done":
                latest = min(due + timedelta(days=30), self.yesterday)
                span = max(0, (latest - end).days - 7)
                done_on = min(end + timedelta(days=7 + rng.randint(0, span)), self.yesterday)
            self.action_number += 1
            text_ = description.format(host=city, theme_lower=theme.lower(), city="a city")
            row_id = self.add(
                "action_items",
                number=self.action_number,
                meeting_id=meeting_id,
                agenda_item_id=items["matters"] if rng.random() < 0.3 else items["theme"],
                description=text_,
                owner_person_id=owner_id,
                owner_text=owner_text,
                due_on=due,
                status=status,
                done_on=done_on,
            )
            self.open_actions.append({"id": row_id, "status": status})

    def _rotation(
        self, dated: list[tuple[int, date, date]], unavailable: list[tuple[int, date, date]]
    ) -> list[int]:
        """Hosts as the rotation rule picks them: longest without hosting, then fewest hosted."""
        order = [c.id for c in self.cities]
        self.rng.shuffle(order)  # the stable order that breaks ties, as the group first agreed
        rank = {c: i for i, c in enumerate(order)}
        last_hosted = dict.fromkeys(order, -1)
        hosted = dict.fromkeys(order, 0)
        hosts: list[int] = []
        for i, (_q, start, end) in enumerate(dated):
            blocked = {c for c, s, e in unavailable if s <= end and e >= start}
            candidates = [c for c in order if c not in blocked and (not hosts or c != hosts[-1])]
            host = min(candidates, key=lambda c: (last_hosted[c], hosted[c], rank[c]))
            last_hosted[host], hosted[host] = i, hosted[host] + 1
            hosts.append(host)
        return hosts

    def _unavailability(self) -> list[tuple[int, date, date]]:
        rng = self.rng
        windows = [
            (
                self.today + timedelta(days=30),
                self.today + timedelta(days=300),
                "Local government elections and the induction of the new council.",
            )
        ]
        if self.scale.meetings:
            windows.append(
                (
                    date(2019, 4, 1),
                    date(2019, 9, 30),
                    "Administrator appointed under section 139; council functions suspended.",
                )
            )
        periods = []
        for starts, ends, reason in windows:
            city = rng.choice(self.cities).id
            self.add(
                "host_unavailability", city_id=city, starts_on=starts, ends_on=ends, reason=reason
            )
            periods.append((city, starts, ends))
        return periods

    def _volunteers(self, meetings: list[tuple]) -> None:
        planned = [m for m in meetings if m[4] >= self.today]
        # A city that volunteered is preferred when hosts are chosen: these volunteers hosted.
        chosen = (
            [m for i, m in enumerate(planned) if i in (0, 2)]
            if not self.scale.meetings
            else [m for m in meetings if self.rng.random() < 0.12]
        )
        for number, q, host, _start, _end in chosen:
            self.add(
                "host_volunteers",
                city_id=host,
                year=q // 4,
                quarter=q % 4 + 1,
                note=f"Offered at meeting {max(1, number - 2)}.",
            )

    # -- writing ---------------------------------------------------------------------------------
    _ORDER = (
        "people",
        "users",
        "reviewers",
        "reviewer_affiliations",
        "rounds",
        "round_admitted_bodies",
        "screening_checks",
        "letter_templates",
        "applications",
        "budget_lines",
        "attachments",
        "screening_results",
        "review_packets",
        "scores_imports",
        "assignments",
        "conflicts",
        "scores",
        "decisions",
        "awards",
        "tranches",
        "milestones",
        "meetings",
        "host_volunteers",
        "host_unavailability",
        "agenda_items",
        "invitations",
        "minutes",
        "action_items",
        "audit_events",
    )

    def write(self) -> None:
        # The audit log reads in time order, like the log of a program in daily use.
        self.audit.sort(key=lambda e: (e[0], e[1]))
        # Chained after whatever the log already holds, in the order of the ids given here.
        for event in chain_rows(self.session, (event for _when, _n, event in self.audit)):
            self.add("audit_events", **event)
        dialect = self.session.get_bind().dialect.name
        for name in self._ORDER:
            rows = self.rows.get(name)
            if not rows:
                continue
            table = Base.metadata.tables[name]
            complete = self._complete(table, rows)
            for start in range(0, len(complete), _BATCH):
                self.session.execute(insert(table), complete[start : start + _BATCH])
            if dialect == "postgresql" and "id" in table.c:
                # Explicit ids do not move PostgreSQL's sequences; start them after our rows.
                self.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )

    @staticmethod
    def _complete(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every row with every column, so that one executemany takes them all."""
        defaults = {}
        for column in table.c:
            default = column.default
            defaults[column.name] = (
                default.arg if default is not None and default.is_scalar else None
            )
        names = list(defaults)
        if all(len(r) == len(names) for r in rows):
            return rows
        return [{n: r.get(n, defaults[n]) for n in names} for r in rows]


def _refuse_if_filled(session: Session, db: Database) -> None:
    # The demo adds accounts whose password is published: never beside real ones.
    if session.scalar(select(func.count()).select_from(User)):
        raise WorkflowError(
            f"The database {db.display_name} already has user accounts; the demo data set (with "
            "its published demo passwords) goes only into a new, empty database."
        )
    if session.scalar(select(func.count()).select_from(Application)):
        raise WorkflowError(
            f"The database {db.display_name} already holds applications; the demo data set "
            "goes only into a database without any."
        )
    if session.scalar(select(func.count()).select_from(Meeting)):
        raise WorkflowError(
            f"The database {db.display_name} already holds meetings; the demo data set goes "
            "only into a database without any."
        )


def fill_demo(db: Database, *, scale: str = "small", seed: int = 2014, today: date) -> DemoSummary:
    """Fill a database holding only reference data with the demo data set built around `today`."""
    if scale not in _SCALES:
        raise WorkflowError(f"The demo scale must be 'small' or 'large', not '{scale}'.")
    with db.unit_of_work() as session:
        _refuse_if_filled(session, db)
        builder = _DemoBuilder(session, _SCALES[scale], seed, today)
        builder.build_people()
        builder.plan_rounds()
        builder.build_users()
        builder.build_reviewers()
        builder.build_rounds()
        builder.write_applications()
        builder.build_reviews()
        builder.build_outcomes()
        builder.build_letter_templates()
        builder.build_meetings()
        builder.write()
        rows = builder.rows
        return DemoSummary(
            rounds=len(rows["rounds"]),
            applications=len(rows["applications"]),
            reviewers=len(rows["reviewers"]),
            assignments=len(rows["assignments"]),
            scores=len(rows["scores"]),
            awards=len(rows["awards"]),
            meetings=len(rows["meetings"]),
            people=len(rows["people"]),
            users=builder.users_written,
        )
