"""The one placeholder pattern and check shared by letter and e-mail templates."""

from usrg_desktop.placeholders import placeholder_problems, placeholders_in
from usrg_desktop.workflows.letters import letter_templates
from usrg_desktop.workflows.mail import mail_templates


def test_placeholders_in_lists_each_name_once():
    assert placeholders_in("{a} {b} {a} {c}") == ["a", "b", "c"]


def test_an_unknown_name_is_named_and_a_stray_brace_is_called_one():
    problems = placeholder_problems(
        "Dear {name}, {Venue} on {date", ("name", "date"), part="message text", example="date"
    )
    assert problems == [
        "The placeholder {Venue} is not known in the message text; known placeholders: "
        "{name}, {date}.",
        "The message text has a brace that does not make a placeholder; write placeholders "
        "like {date}.",
    ]
    assert placeholder_problems("{x}", ("y",), part="subject", example="y", say_where=False) == [
        "The placeholder {x} is not known; known placeholders: {y}."
    ]
    assert placeholder_problems("a {} b", ("y",), part="subject", example="y") == [
        "The subject has a brace that does not make a placeholder; write placeholders like {y}."
    ]


def test_letters_and_mail_find_the_same_mistakes_with_their_own_words():
    text = "{Reference} and {reference"
    letter = letter_templates.template_problems("acknowledgement", "Receipt", text)
    mail = mail_templates.template_problems("letter", "Your letter", text)
    assert letter[0].startswith("The placeholder {Reference} is not known; known placeholders: ")
    assert mail[0].startswith("The placeholder {Reference} is not known in the message text; ")
    assert letter[1:] == [
        "The letter text has a brace that does not make a placeholder; write placeholders "
        "like {reference}."
    ]
    assert mail[1:] == [
        "The message text has a brace that does not make a placeholder; write placeholders "
        "like {round_name}."
    ]
