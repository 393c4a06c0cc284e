"""How a letter names an organisation inside a sentence.

The directory keeps each member's official name ("City of Ekurhuleni Metropolitan
Municipality", "South African Local Government Association"); a sentence needs the name as
people write it: "approved a grant to the City of Ekurhuleni", "the application from SALGA".

- A metro called "City of X … Municipality" is "the City of X".
- A body known by an acronym (its short name in capitals: SALGA, CSPS) is called by it.
- Anything else takes "the" before its official name ("the eThekwini Metropolitan
  Municipality", "the Department of Social Development"), unless it starts with "the" already.
The official name stays where the law wants it: the address block and the acceptance slip.
"""

from __future__ import annotations

import re

_METRO = re.compile(r"^(City of .+?) (?:Metropolitan|Local) Municipality$")
_ACRONYM = re.compile(r"^[A-Z]{2,8}$")


def organisation_in_sentence(official_name: str, short_name: str = "") -> str:
    """The organisation's name as a sentence uses it (see the module's rules)."""
    official = official_name.strip()
    if not official:
        return ""
    metro = _METRO.match(official)
    if metro:
        return f"the {metro.group(1)}"
    if _ACRONYM.match(short_name.strip()):
        return short_name.strip()
    if official.lower().startswith("the "):
        return official
    return f"the {official}"
