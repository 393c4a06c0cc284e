"""Demo data tables: South African names, the member cities and bodies, and the titles
and expertise of the people in the directory."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.accounts import Role

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
