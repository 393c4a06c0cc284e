"""Initial schema and reference data.

The tables of every aggregate, the append-only guard on the audit log, and the reference data the
program ships with (SACN member cities, partner bodies, the default USRG rubric, the default
blackout period and letterhead). Reference rows are written out here, not read from files, so
that this migration gives the same database whenever it runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:05:46.047784
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blackout_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("start_month", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=False),
        sa.Column("end_month", sa.Integer(), nullable=False),
        sa.Column("end_day", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "start_day BETWEEN 1 AND 31 AND end_day BETWEEN 1 AND 31",
            name=op.f("ck_blackout_periods_days_valid"),
        ),
        sa.CheckConstraint(
            "start_month BETWEEN 1 AND 12 AND end_month BETWEEN 1 AND 12",
            name=op.f("ck_blackout_periods_months_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blackout_periods")),
    )
    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=False),
        sa.Column("official_name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("role_in_usrg", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
        sa.UniqueConstraint("official_name", name=op.f("uq_bodies_official_name")),
        sa.UniqueConstraint("short_name", name=op.f("uq_bodies_short_name")),
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=False),
        sa.Column("official_name", sa.String(length=200), nullable=False),
        sa.Column("municipal_code", sa.String(length=16), nullable=False),
        sa.Column("province", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("seat", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("member_since", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "category IN ('metropolitan', 'intermediate city')",
            name=op.f("ck_cities_category_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("municipal_code", name=op.f("uq_cities_municipal_code")),
        sa.UniqueConstraint("official_name", name=op.f("uq_cities_official_name")),
        sa.UniqueConstraint("short_name", name=op.f("uq_cities_short_name")),
    )
    op.create_table(
        "letterheads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("footer", sa.Text(), nullable=False),
        sa.Column("logo_png", sa.LargeBinary(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterheads")),
        sa.UniqueConstraint("name", name=op.f("uq_letterheads_name")),
    )
    op.create_table(
        "rubrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubrics")),
        sa.UniqueConstraint("name", name=op.f("uq_rubrics_name")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=4000), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("weight_percent", sa.Integer(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.CheckConstraint("scale_min < scale_max", name=op.f("ck_criteria_scale_order")),
        sa.CheckConstraint(
            "weight_percent > 0 AND weight_percent <= 100", name=op.f("ck_criteria_weight_range")
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["rubrics.id"], name=op.f("fk_criteria_rubric_id_rubrics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
        sa.UniqueConstraint("rubric_id", "code", name=op.f("uq_criteria_rubric_id_code")),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_rubric_id"), ["rubric_id"], unique=False)

    op.create_table(
        "host_unavailability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_host_unavailability_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_host_unavailability_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_unavailability")),
    )
    with op.batch_alter_table("host_unavailability", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_host_unavailability_city_id"), ["city_id"], unique=False
        )

    op.create_table(
        "host_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "quarter BETWEEN 1 AND 4", name=op.f("ck_host_volunteers_quarter_range")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_host_volunteers_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_volunteers")),
        sa.UniqueConstraint(
            "city_id", "year", "quarter", name=op.f("uq_host_volunteers_city_id_year_quarter")
        ),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("host_city_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("day1_start", sa.Time(), nullable=False),
        sa.Column("day1_end", sa.Time(), nullable=False),
        sa.Column("day2_start", sa.Time(), nullable=False),
        sa.Column("day2_end", sa.Time(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancelled_reason", sa.Text(), nullable=False),
        sa.Column("exposure_site", sa.String(length=300), nullable=False),
        sa.Column("exposure_purpose", sa.Text(), nullable=False),
        sa.Column("exposure_transport", sa.Text(), nullable=False),
        sa.Column("exposure_contact", sa.String(length=300), nullable=False),
        sa.Column("ics_sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'confirmed', 'held', 'cancelled')",
            name=op.f("ck_meetings_status_valid"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_meetings_dates_in_order")),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_meetings_quarter_range")),
        sa.ForeignKeyConstraint(
            ["host_city_id"], ["cities.id"], name=op.f("fk_meetings_host_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("number", name=op.f("uq_meetings_number")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_host_city_id"), ["host_city_id"], unique=False
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("consent_basis", sa.String(length=30), nullable=False),
        sa.Column("consent_recorded_on", sa.Date(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "consent_basis IN ('consent', 'contract', 'legal obligation', 'public function', 'legitimate interest')",
            name=op.f("ck_people_consent_basis_valid"),
        ),
        sa.CheckConstraint(
            "role IN ('focal person', 'alternate', 'official', 'reviewer', 'secretariat', 'partner', 'other')",
            name=op.f("ck_people_role_valid"),
        ),
        sa.CheckConstraint(
            "city_id IS NULL OR body_id IS NULL", name=op.f("ck_people_one_affiliation")
        ),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_people_body_id_bodies")),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_people_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_city_id"), ["city_id"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("cap_cents", sa.BigInteger(), nullable=False),
        sa.Column("reviews_needed", sa.Integer(), nullable=False),
        sa.Column("review_deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=True),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'reviewing', 'decided', 'archived')",
            name=op.f("ck_rounds_status_valid"),
        ),
        sa.CheckConstraint("budget_cents >= 0", name=op.f("ck_rounds_budget_not_negative")),
        sa.CheckConstraint(
            "cap_cents > 0 AND cap_cents <= budget_cents", name=op.f("ck_rounds_cap_within_budget")
        ),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_rounds_dates_in_order")),
        sa.CheckConstraint(
            "reviews_needed BETWEEN 1 AND 10", name=op.f("ck_rounds_reviews_needed_range")
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["rubrics.id"], name=op.f("fk_rounds_rubric_id_rubrics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_rounds_name")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_rounds_year_number")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('welcome', 'session', 'presentation', 'discussion', 'break', 'lunch', 'exposure visit', 'closing')",
            name=op.f("ck_agenda_items_kind_valid"),
        ),
        sa.CheckConstraint(
            "purpose IN ('decision', 'discussion', 'information')",
            name=op.f("ck_agenda_items_purpose_valid"),
        ),
        sa.CheckConstraint("day IN (1, 2)", name=op.f("ck_agenda_items_day_valid")),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_agenda_items_duration_positive")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("applicant_city_id", sa.Integer(), nullable=True),
        sa.Column("applicant_body_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("intervention", sa.Text(), nullable=False),
        sa.Column("requested_cents", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("contact_person_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'screening', 'ineligible', 'in_review', 'reviewed', 'approved', 'declined', 'awarded', 'active', 'closed', 'withdrawn')",
            name=op.f("ck_applications_state_valid"),
        ),
        sa.CheckConstraint(
            "(applicant_city_id IS NULL) <> (applicant_body_id IS NULL)",
            name=op.f("ck_applications_one_applicant"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_applications_dates_in_order"),
        ),
        sa.CheckConstraint(
            "requested_cents >= 0", name=op.f("ck_applications_requested_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_body_id"],
            ["bodies.id"],
            name=op.f("fk_applications_applicant_body_id_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_city_id"],
            ["cities.id"],
            name=op.f("fk_applications_applicant_city_id_cities"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["people.id"],
            name=op.f("fk_applications_contact_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_applications_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("reference", name=op.f("uq_applications_reference")),
        sa.UniqueConstraint("round_id", "sequence", name=op.f("uq_applications_round_id_sequence")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_applicant_body_id"), ["applicant_body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_applications_applicant_city_id"), ["applicant_city_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applications_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_state"), ["state"], unique=False)

    op.create_table(
        "criterion_levels",
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("descriptor", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criteria.id"],
            name=op.f("fk_criterion_levels_criterion_id_criteria"),
        ),
        sa.PrimaryKeyConstraint("criterion_id", "level", name=op.f("pk_criterion_levels")),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rsvp", sa.String(length=20), nullable=False),
        sa.Column("apology_note", sa.Text(), nullable=False),
        sa.Column("attended_day1", sa.Boolean(), nullable=False),
        sa.Column("attended_day2", sa.Boolean(), nullable=False),
        sa.Column("attended_visit", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "rsvp IN ('pending', 'accepted', 'apology', 'declined')",
            name=op.f("ck_invitations_rsvp_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_invitations_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_invitations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint(
            "meeting_id", "person_id", name=op.f("uq_invitations_meeting_id_person_id")
        ),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_person_id"), ["person_id"], unique=False)

    op.create_table(
        "meeting_annexes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_annexes_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_annexes")),
        sa.UniqueConstraint(
            "meeting_id", "position", name=op.f("uq_meeting_annexes_meeting_id_position")
        ),
    )
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reviewers_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewers")),
        sa.UniqueConstraint("person_id", name=op.f("uq_reviewers_person_id")),
    )
    op.create_table(
        "round_admitted_bodies",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_round_admitted_bodies_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_admitted_bodies_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "body_id", name=op.f("pk_round_admitted_bodies")),
    )
    op.create_table(
        "screening_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_screening_checks_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_checks")),
        sa.UniqueConstraint(
            "round_id", "position", name=op.f("uq_screening_checks_round_id_position")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('administrator', 'secretariat', 'coordinator', 'reviewer')",
            name=op.f("ck_users_role_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_users_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("owner_text", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in progress', 'done', 'dropped')",
            name=op.f("ck_action_items_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_action_items_agenda_item_id_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_action_items_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["owner_person_id"], ["people.id"], name=op.f("fk_action_items_owner_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
        sa.UniqueConstraint("number", name=op.f("uq_action_items_number")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_items_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_items_status"), ["status"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('proposal', 'budget', 'letter of support', 'other')",
            name=op.f("ck_attachments_kind_valid"),
        ),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_attachments_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_attachments_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachments_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audit_events_actor_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("agreement_signed_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_awards_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_awards_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("application_id", name=op.f("uq_awards_application_id")),
        sa.UniqueConstraint("number", name=op.f("uq_awards_number")),
    )
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_budget_lines_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_budget_lines_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_lines_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('affiliation', 'financial', 'personal', 'professional', 'other')",
            name=op.f("ck_conflicts_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_conflicts_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewers.id"], name=op.f("fk_conflicts_reviewer_id_reviewers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
        sa.UniqueConstraint(
            "reviewer_id", "application_id", name=op.f("uq_conflicts_reviewer_id_application_id")
        ),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflicts_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conflicts_reviewer_id"), ["reviewer_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'approved' AND amount_cents > 0) OR (outcome = 'declined' AND amount_cents IS NULL)",
            name=op.f("ck_decisions_amount_matches_outcome"),
        ),
        sa.CheckConstraint(
            "outcome IN ('approved', 'declined')", name=op.f("ck_decisions_outcome_valid")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_decisions_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["users.id"], name=op.f("fk_decisions_decided_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("application_id", name=op.f("uq_decisions_application_id")),
    )
    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('acknowledgement', 'ineligible', 'award', 'decline')",
            name=op.f("ck_letter_templates_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_letter_templates_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_letter_templates_kind_version")),
    )
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_minutes_agenda_item_id_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
    )
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "review_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("packet_uid", sa.String(length=64), nullable=False),
        sa.Column("signing_secret", sa.String(length=128), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewers.id"], name=op.f("fk_review_packets_reviewer_id_reviewers")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_review_packets_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_packets")),
        sa.UniqueConstraint("packet_uid", name=op.f("uq_review_packets_packet_uid")),
        sa.UniqueConstraint(
            "round_id", "reviewer_id", name=op.f("uq_review_packets_round_id_reviewer_id")
        ),
    )
    op.create_table(
        "reviewer_affiliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(city_id IS NULL) <> (body_id IS NULL)",
            name=op.f("ck_reviewer_affiliations_one_affiliation"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_reviewer_affiliations_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_reviewer_affiliations_city_id_cities")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewers.id"],
            name=op.f("fk_reviewer_affiliations_reviewer_id_reviewers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_affiliations")),
    )
    with op.batch_alter_table("reviewer_affiliations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviewer_affiliations_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "screening_results",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_screening_results_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["screening_checks.id"],
            name=op.f("fk_screening_results_check_id_screening_checks"),
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_user_id"],
            ["users.id"],
            name=op.f("fk_screening_results_checked_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("application_id", "check_id", name=op.f("pk_screening_results")),
    )
    op.create_table(
        "issued_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('acknowledgement', 'ineligible', 'award', 'decline')",
            name=op.f("ck_issued_letters_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_issued_letters_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["users.id"],
            name=op.f("fk_issued_letters_issued_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["letter_templates.id"],
            name=op.f("fk_issued_letters_template_id_letter_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_letters")),
        sa.UniqueConstraint("reference", name=op.f("uq_issued_letters_reference")),
    )
    with op.batch_alter_table("issued_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_letters_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('interim report', 'final report')", name=op.f("ck_milestones_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_milestones_award_id_awards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("award_id", "kind", name=op.f("uq_milestones_award_id_kind")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestones_award_id"), ["award_id"], unique=False)

    op.create_table(
        "scores_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_user_id", sa.Integer(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_user_id"],
            ["users.id"],
            name=op.f("fk_scores_imports_imported_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["review_packets.id"],
            name=op.f("fk_scores_imports_packet_id_review_packets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores_imports")),
        sa.UniqueConstraint("file_sha256", name=op.f("uq_scores_imports_file_sha256")),
    )
    with op.batch_alter_table("scores_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scores_imports_packet_id"), ["packet_id"], unique=False
        )

    op.create_table(
        "tranches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_cents", sa.BigInteger(), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "trigger IN ('signature', 'interim report', 'final report', 'other')",
            name=op.f("ck_tranches_trigger_valid"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_tranches_amount_positive")),
        sa.CheckConstraint(
            "paid_cents IS NULL OR paid_cents >= 0", name=op.f("ck_tranches_paid_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_tranches_award_id_awards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tranches")),
        sa.UniqueConstraint("award_id", "position", name=op.f("uq_tranches_award_id_position")),
    )
    with op.batch_alter_table("tranches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tranches_award_id"), ["award_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recommendation", sa.String(length=30), nullable=True),
        sa.Column("overall_comment", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scores_import_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method IN ('automatic', 'manual')", name=op.f("ck_assignments_method_valid")
        ),
        sa.CheckConstraint(
            "recommendation IS NULL OR recommendation IN ('fund', 'fund with conditions', 'do not fund')",
            name=op.f("ck_assignments_recommendation_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('assigned', 'scored', 'conflict')", name=op.f("ck_assignments_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_assignments_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewers.id"], name=op.f("fk_assignments_reviewer_id_reviewers")
        ),
        sa.ForeignKeyConstraint(
            ["scores_import_id"],
            ["scores_imports.id"],
            name=op.f("fk_assignments_scores_import_id_scores_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name=op.f("uq_assignments_application_id_reviewer_id")
        ),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignments_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_scores_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criteria.id"], name=op.f("fk_scores_criterion_id_criteria")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint(
            "assignment_id", "criterion_id", name=op.f("uq_scores_assignment_id_criterion_id")
        ),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_criterion_id"), ["criterion_id"], unique=False)

    _forbid_audit_changes()
    _seed_reference_data()


def downgrade() -> None:
    _allow_audit_changes()
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_criterion_id"))

    op.drop_table("scores")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_application_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("tranches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tranches_award_id"))

    op.drop_table("tranches")
    with op.batch_alter_table("scores_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_imports_packet_id"))

    op.drop_table("scores_imports")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestones_award_id"))

    op.drop_table("milestones")
    with op.batch_alter_table("issued_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_letters_application_id"))

    op.drop_table("issued_letters")
    op.drop_table("screening_results")
    with op.batch_alter_table("reviewer_affiliations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewer_affiliations_reviewer_id"))

    op.drop_table("reviewer_affiliations")
    op.drop_table("review_packets")
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_meeting_id"))

    op.drop_table("minutes")
    op.drop_table("letter_templates")
    op.drop_table("decisions")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_conflicts_application_id"))

    op.drop_table("conflicts")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_lines_application_id"))

    op.drop_table("budget_lines")
    op.drop_table("awards")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index("ix_audit_events_entity")

    op.drop_table("audit_events")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_application_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_meeting_id"))

    op.drop_table("action_items")
    op.drop_table("users")
    op.drop_table("screening_checks")
    op.drop_table("round_admitted_bodies")
    op.drop_table("reviewers")
    op.drop_table("meeting_annexes")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_person_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_meeting_id"))

    op.drop_table("invitations")
    op.drop_table("criterion_levels")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_state"))
        batch_op.drop_index(batch_op.f("ix_applications_round_id"))
        batch_op.drop_index(batch_op.f("ix_applications_applicant_city_id"))
        batch_op.drop_index(batch_op.f("ix_applications_applicant_body_id"))

    op.drop_table("applications")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))

    op.drop_table("agenda_items")
    op.drop_table("rounds")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_city_id"))
        batch_op.drop_index(batch_op.f("ix_people_body_id"))

    op.drop_table("people")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_host_city_id"))

    op.drop_table("meetings")
    op.drop_table("host_volunteers")
    with op.batch_alter_table("host_unavailability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_unavailability_city_id"))

    op.drop_table("host_unavailability")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_rubric_id"))

    op.drop_table("criteria")
    op.drop_table("settings")
    op.drop_table("rubrics")
    op.drop_table("letterheads")
    op.drop_table("cities")
    op.drop_table("bodies")
    op.drop_table("blackout_periods")


CITIES = [
    # short_name, official_name, municipal_code, province, category, seat
    (
        "City of Johannesburg",
        "City of Johannesburg Metropolitan Municipality",
        "JHB",
        "Gauteng",
        "metropolitan",
        "Johannesburg",
    ),
    (
        "City of Cape Town",
        "City of Cape Town Metropolitan Municipality",
        "CPT",
        "Western Cape",
        "metropolitan",
        "Cape Town",
    ),
    (
        "eThekwini",
        "eThekwini Metropolitan Municipality",
        "ETH",
        "KwaZulu-Natal",
        "metropolitan",
        "Durban",
    ),
    (
        "City of Tshwane",
        "City of Tshwane Metropolitan Municipality",
        "TSH",
        "Gauteng",
        "metropolitan",
        "Pretoria",
    ),
    (
        "Ekurhuleni",
        "City of Ekurhuleni Metropolitan Municipality",
        "EKU",
        "Gauteng",
        "metropolitan",
        "Germiston",
    ),
    (
        "Nelson Mandela Bay",
        "Nelson Mandela Bay Metropolitan Municipality",
        "NMA",
        "Eastern Cape",
        "metropolitan",
        "Gqeberha",
    ),
    (
        "Buffalo City",
        "Buffalo City Metropolitan Municipality",
        "BUF",
        "Eastern Cape",
        "metropolitan",
        "East London",
    ),
    (
        "Mangaung",
        "Mangaung Metropolitan Municipality",
        "MAN",
        "Free State",
        "metropolitan",
        "Bloemfontein",
    ),
    (
        "Msunduzi",
        "Msunduzi Local Municipality",
        "KZN225",
        "KwaZulu-Natal",
        "intermediate city",
        "Pietermaritzburg",
    ),
]

BODIES = [
    # short_name, official_name, kind, role_in_usrg
    ("SACN", "South African Cities Network", "network", "convenor and secretariat"),
    (
        "CoGTA",
        "Department of Cooperative Governance",
        "national department",
        "member; coordinates the VCP Programme",
    ),
    ("SALGA", "South African Local Government Association", "association", "member"),
    ("National Treasury", "National Treasury", "national department", "member"),
    ("DSD", "Department of Social Development", "national department", "member"),
    ("CSPS", "Civilian Secretariat for Police Service", "national department", "member"),
    (
        "GIZ VCP",
        "Deutsche Gesellschaft f\u00fcr Internationale Zusammenarbeit (GIZ) \u2013 "
        "Inclusive Violence and Crime Prevention Programme",
        "international partner",
        "supports the USRG on behalf of the German Federal Ministry for Economic Cooperation "
        "and Development",
    ),
]

# code, name, weight %, descriptors for levels 1..5
RUBRIC = [
    (
        "relevance",
        "Relevance to urban safety",
        25,
        [
            "No clear link to urban safety or violence prevention.",
            "A weak or indirect link to a safety problem in the city.",
            "Addresses a recognised safety problem, but the link to outcomes is loose.",
            "Clearly addresses a priority safety problem with a plausible path to outcomes.",
            "Targets a priority problem with strong evidence and a clear theory of change.",
        ],
    ),
    (
        "innovation",
        "Innovation",
        20,
        [
            "Repeats existing practice with nothing new.",
            "Minor changes to existing practice.",
            "A new approach for this city, known elsewhere.",
            "A new approach with a clear element of learning for other cities.",
            "A genuinely new practice that other cities could adopt.",
        ],
    ),
    (
        "feasibility",
        "Feasibility",
        20,
        [
            "Cannot be delivered as planned.",
            "Serious gaps in plan, capacity or partners.",
            "Deliverable with some risks not yet addressed.",
            "A sound plan with capacity and partners in place.",
            "A detailed, realistic plan with risks managed and commitments secured.",
        ],
    ),
    (
        "value",
        "Value for money",
        15,
        [
            "Costs unjustified or far out of line.",
            "Several costs poorly justified.",
            "Costs reasonable overall, some lines unclear.",
            "Costs well justified and proportionate to the results.",
            "Excellent value, with co-funding or in-kind support leveraged.",
        ],
    ),
    (
        "sustainability",
        "Sustainability and learning",
        20,
        [
            "Ends with the grant; nothing is learnt or kept.",
            "Little thought given to continuation or learning.",
            "Some plan for continuation or sharing lessons.",
            "Credible plan to continue and to share what is learnt.",
            "Institutionalised in the city, with learning built in for the USRG network.",
        ],
    ),
]


def _forbid_audit_changes() -> None:
    """The audit log is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def _allow_audit_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")


def _seed_reference_data() -> None:
    cities = sa.table(
        "cities",
        *(
            sa.column(c)
            for c in (
                "id",
                "short_name",
                "official_name",
                "municipal_code",
                "province",
                "category",
                "seat",
                "active",
            )
        ),
    )
    op.bulk_insert(
        cities,
        [
            dict(
                zip(
                    (
                        "short_name",
                        "official_name",
                        "municipal_code",
                        "province",
                        "category",
                        "seat",
                    ),
                    row,
                    strict=True,
                ),
                id=i,
                active=True,
            )
            for i, row in enumerate(CITIES, start=1)
        ],
    )
    bodies = sa.table(
        "bodies",
        *(
            sa.column(c)
            for c in ("id", "short_name", "official_name", "kind", "role_in_usrg", "active")
        ),
    )
    op.bulk_insert(
        bodies,
        [
            dict(
                zip(("short_name", "official_name", "kind", "role_in_usrg"), row, strict=True),
                id=i,
                active=True,
            )
            for i, row in enumerate(BODIES, start=1)
        ],
    )
    rubrics = sa.table(
        "rubrics", *(sa.column(c) for c in ("id", "name", "description", "is_default"))
    )
    op.bulk_insert(
        rubrics,
        [
            {
                "id": 1,
                "name": "USRG innovation fund rubric",
                "is_default": True,
                "description": "Five weighted criteria scored 1\u20135, with an overall recommendation.",
            }
        ],
    )
    criteria = sa.table(
        "criteria",
        *(
            sa.column(c)
            for c in (
                "id",
                "rubric_id",
                "position",
                "code",
                "name",
                "weight_percent",
                "scale_min",
                "scale_max",
                "required",
            )
        ),
    )
    levels = sa.table(
        "criterion_levels", *(sa.column(c) for c in ("criterion_id", "level", "descriptor"))
    )
    op.bulk_insert(
        criteria,
        [
            {
                "id": i,
                "rubric_id": 1,
                "position": i,
                "code": code,
                "name": name,
                "weight_percent": weight,
                "scale_min": 1,
                "scale_max": 5,
                "required": True,
            }
            for i, (code, name, weight, _levels) in enumerate(RUBRIC, start=1)
        ],
    )
    op.bulk_insert(
        levels,
        [
            {"criterion_id": i, "level": level, "descriptor": text}
            for i, (_c, _n, _w, texts) in enumerate(RUBRIC, start=1)
            for level, text in enumerate(texts, start=1)
        ],
    )
    blackout = sa.table(
        "blackout_periods",
        *(
            sa.column(c)
            for c in ("id", "label", "start_month", "start_day", "end_month", "end_day")
        ),
    )
    op.bulk_insert(
        blackout,
        [
            {
                "id": 1,
                "label": "Year-end holidays",
                "start_month": 12,
                "start_day": 15,
                "end_month": 1,
                "end_day": 15,
            }
        ],
    )
    letterheads = sa.table(
        "letterheads", *(sa.column(c) for c in ("id", "name", "address", "footer", "active"))
    )
    op.bulk_insert(
        letterheads,
        [
            {
                "id": 1,
                "name": "SACN Urban Safety Reference Group",
                "active": True,
                "address": "South African Cities Network\nUrban Safety Reference Group\n"
                "urbansafety@sacities.net \u00b7 Tel +27 (0)11 407 6471",
                "footer": "www.sacities.net \u00b7 www.saferspaces.org.za",
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids above do not move PostgreSQL's sequences; start them after the seed.
        for table in ("cities", "bodies", "rubrics", "criteria", "blackout_periods", "letterheads"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
