"""Placeholders in template texts, written like {round_name}: the one pattern and the one check.

Letter templates (`printing/letters.py` fills them, `workflows/letters/letter_templates.py`
saves them) and e-mail templates (`workflows/mail/mail_templates.py`) write placeholders the
same way, so both find them with `PLACEHOLDER` and refuse a template with
`placeholder_problems`: a placeholder the kind does not know, or a brace that makes no
placeholder, is one sentence naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A name in braces, without spaces or braces inside; a name the kind does not know is matched
# too, so that its sentence can name it rather than call it a stray brace.
PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in a template text, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def placeholder_problems(
    text: str, known: Iterable[str], *, part: str, example: str, say_where: bool = True
) -> list[str]:
    """Every unknown placeholder and stray brace in one part of a template, one sentence each.

    `part` names the part in the sentences ("subject", "letter text"); `example` is a
    placeholder of the kind, shown as the way to write one; with `say_where=False` the sentence
    about an unknown placeholder does not name the part (the letters' wording).
    """
    known = tuple(known)
    where = f" in the {part}" if say_where else ""
    problems = [
        f"The placeholder {{{name}}} is not known{where}; known placeholders: "
        + ", ".join(f"{{{k}}}" for k in known)
        + "."
        for name in placeholders_in(text)
        if name not in known
    ]
    stripped = PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        problems.append(
            f"The {part} has a brace that does not make a placeholder; write placeholders "
            f"like {{{example}}}."
        )
    return problems
