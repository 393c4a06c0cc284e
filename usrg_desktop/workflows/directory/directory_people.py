"""People in the contact directory: this module gathers the public names of the modules that
hold them, so that `from usrg_desktop.workflows import directory_people` keeps working.

- `people_editing`: adding and editing a person (checked field by field), switching them off
  and on, and a person's fields for a form
- `people_lookup`: finding a person, city or body by what the command line is given, and the
  choices the screens offer
- `people_popia`: a person's POPIA access request (everything held about them) and
  anonymising them for good

New code may import from those modules directly.
"""

from __future__ import annotations

from .people_editing import (
    EDITORS,
    activate_person,
    anonymised_name,
    check_person,
    deactivate_person,
    person_fields,
    save_person,
)
from .people_lookup import (
    body_id_named,
    city_id_named,
    organisation_choices,
    person_choices,
    person_id_by_email,
)
from .people_popia import anonymise_person, export_person, write_person_export

__all__ = [
    "EDITORS",
    "activate_person",
    "anonymise_person",
    "anonymised_name",
    "body_id_named",
    "check_person",
    "city_id_named",
    "deactivate_person",
    "export_person",
    "organisation_choices",
    "person_choices",
    "person_fields",
    "person_id_by_email",
    "save_person",
    "write_person_export",
]
