"""User accounts: Argon2 password hashing and creating the accounts people sign in with."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import SOUTH_AFRICA
from ...domain.accounts import Role, User
from ...domain.audit import AuditEvent
from ...domain.directory import Person
from .. import Actor, PermissionDenied, WorkflowError, take_turn
from .audit_trail import audit, record, stored_moment

if TYPE_CHECKING:
    from ...storage import Database

# One hasher for the program, with argon2-cffi's recommended (RFC 9106 low-memory) parameters;
# its parameters are public so that code verifying or re-hashing uses the same ones.
PASSWORD_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
_USERNAME_MAX = User.__table__.c.username.type.length
_DISPLAY_NAME_MAX = User.__table__.c.display_name.type.length


def hash_password(password: str) -> str:
    """A slow, salted Argon2id hash of a password, in the PHC string format."""
    return PASSWORD_HASHER.hash(password)


def verify_password(hash: str, password: str) -> bool:
    """Whether `password` matches the stored Argon2 `hash` (False for a damaged hash too)."""
    try:
        return PASSWORD_HASHER.verify(hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    person_id: int | None = None,
    now: datetime,
    actor_user_id: int | None = None,
) -> int:
    """Create an active user account after checking every field; returns the new user's id."""
    username = username.strip()
    display_name = display_name.strip()
    if not username:
        raise WorkflowError("The username must not be empty.")
    if len(username) > _USERNAME_MAX:
        raise WorkflowError(f"The username must be at most {_USERNAME_MAX} characters long.")
    if not display_name:
        raise WorkflowError("The display name must not be empty.")
    if len(display_name) > _DISPLAY_NAME_MAX:
        raise WorkflowError(
            f"The display name must be at most {_DISPLAY_NAME_MAX} characters long."
        )
    roles = [r.value for r in Role]
    if role not in roles:
        raise WorkflowError(f"The role '{role}' is not one of {', '.join(roles)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WorkflowError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if person_id is not None and session.get(Person, person_id) is None:
        raise WorkflowError(
            f"The person (id {person_id}) for this account is not in the directory."
        )
    # Case-blind, so that "Admin" and "admin" cannot be two people at the sign-in prompt; two
    # workstations adding the same name take turns, so the second is told it is taken.
    take_turn(session, "usernames")
    taken = session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if taken is not None:
        raise WorkflowError(f"The username '{username}' is already taken.")
    actor_name = "system"
    if actor_user_id is not None:
        actor = session.get(User, actor_user_id)
        if actor is None:
            raise WorkflowError(f"The acting user (id {actor_user_id}) does not exist.")
        actor_name = actor.display_name
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        person_id=person_id,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session,
        {
            "occurred_at": now,
            "actor_user_id": actor_user_id,
            "actor_name": actor_name,
            "entity": "user",
            "entity_id": user.id,
            "action": "create",
            "from_state": None,
            "to_state": None,
            "reason": "",
            "detail": f"username {username}, role {role}",
        },
    )
    session.flush()
    return user.id


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.display_name, role=user.role)


# -- signing in, and slowing down guessing -------------------------------------------------------
# After this many failed sign-ins in a row for one username, each further try must wait: 30
# seconds after the fifth, doubling with every further failure, at most 15 minutes.
FAILURES_BEFORE_DELAY = 5
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=15)
_NOBODY = Actor(user_id=None, name="(not signed in)", role="")
_FAILED, _SIGNED_IN, _UNLOCKED = "sign_in_failed", "sign_in", "unlock"


class SignInRefused(WorkflowError):
    """A wrong username or password. sign_in has recorded the attempt in the session: commit it
    (sign_in_to does) or the attempt does not count."""


def _attempt_key(username: str) -> str:
    # The audit log keeps a digest of the name typed, never the text: people type their
    # password into the username field by mistake.
    digest = hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:16]
    return f"username digest {digest}"


def _failures_in_a_row(session: Session, key: str) -> list[datetime]:
    """When the latest failed sign-ins for this name happened (newest first), back to the last
    successful sign-in or unlock."""
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.occurred_at)
        .where(AuditEvent.entity == "account", AuditEvent.detail == key)
        .order_by(AuditEvent.id.desc())
        .limit(FAILURES_BEFORE_DELAY + 12)
    ).all()
    failures = []
    for action, occurred_at in rows:
        if action != _FAILED:
            break
        failures.append(stored_moment(occurred_at))
    return failures


def _wait_until(failures: list[datetime]) -> datetime | None:
    """The moment before which the next try is refused, or None when it may go ahead."""
    if len(failures) < FAILURES_BEFORE_DELAY:
        return None
    extra = len(failures) - FAILURES_BEFORE_DELAY
    delay = LONGEST_DELAY if extra >= 10 else min(FIRST_DELAY * 2**extra, LONGEST_DELAY)
    return failures[0] + delay


def _when(moment: datetime, now: datetime) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(SOUTH_AFRICA)
    if local.date() == now.replace(tzinfo=UTC).astimezone(SOUTH_AFRICA).date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M:%S")


def sign_in(session: Session, *, username: str, password: str, now: datetime) -> Actor:
    """Check a username and password; returns who is acting, or refuses in one sentence.

    A wrong username or password is recorded as an audit event (entity "account", without the
    password) and raises SignInRefused; after FAILURES_BEFORE_DELAY failures in a row for a
    name, tries are refused until a growing delay has passed. Use sign_in_to, which commits the
    record of a failure; an administrator can lift the delay with unlock_account.
    """
    now = stored_moment(now)
    key = _attempt_key(username)
    failures = _failures_in_a_row(session, key)
    wait = _wait_until(failures)
    if wait is not None and now < wait:
        raise WorkflowError(
            f"Too many failed sign-ins for '{username.strip()}': try again after "
            f"{_when(wait, now)}, or ask an administrator to unlock the account."
        )
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    # One sentence for an unknown name and a wrong password: the prompt does not confirm names.
    if user is None or not verify_password(user.password_hash, password):
        audit(
            session,
            actor=_NOBODY,
            now=now,
            entity="account",
            entity_id=user.id if user is not None else 0,
            action=_FAILED,
            detail=key,
        )
        wait = _wait_until([now, *failures])
        if wait is None:
            raise SignInRefused("The username or the password is not right.")
        raise SignInRefused(
            f"The username or the password is not right; after {len(failures) + 1} failed "
            f"tries, wait until {_when(wait, now)} before trying again."
        )
    if not user.active:
        raise WorkflowError(f"The account '{user.username}' is switched off; ask an administrator.")
    if failures:
        # Ends the run of failures, so the next mistake starts counting afresh.
        audit(
            session,
            actor=_actor(user),
            now=now,
            entity="account",
            entity_id=user.id,
            action=_SIGNED_IN,
            detail=key,
        )
    user.last_login_at = now
    return _actor(user)


def sign_in_to(db: Database, *, username: str, password: str, now: datetime) -> Actor:
    """Sign in in a unit of work of its own, which keeps the record of a failed try."""
    refusal: SignInRefused | None = None
    with db.unit_of_work() as session:
        try:
            return sign_in(session, username=username, password=password, now=now)
        except SignInRefused as exc:
            refusal = exc
    raise refusal


def unlock_account(session: Session, *, user_id: int, actor: Actor, now: datetime) -> None:
    """An administrator lets an account that failed to sign in too often try again at once."""
    _require_administrator(session, actor, "unlock accounts")
    user = _user(session, user_id)
    key = _attempt_key(user.username)
    if len(_failures_in_a_row(session, key)) < FAILURES_BEFORE_DELAY:
        raise WorkflowError(f"The account '{user.username}' is not locked.")
    audit(
        session,
        actor=actor,
        now=now,
        entity="account",
        entity_id=user.id,
        action=_UNLOCKED,
        detail=key,
    )


def actor_named(session: Session, *, username: str) -> Actor:
    """The active user with this username as the actor (for the command line's --user)."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise WorkflowError(f"There is no user account named '{username}'.")
    if not user.active:
        raise WorkflowError(f"The account '{user.username}' is switched off; ask an administrator.")
    return _actor(user)


def has_users(session: Session) -> bool:
    """Whether any account exists (a new database has none until the first administrator)."""
    return session.scalar(select(User.id).limit(1)) is not None


def create_first_administrator(
    session: Session, *, username: str, display_name: str, password: str, now: datetime
) -> Actor:
    """Make the first account of a new database, an administrator; refused once one exists."""
    if has_users(session):
        raise WorkflowError("This database already has accounts; sign in with one of them.")
    user_id = create_user(
        session,
        username=username,
        display_name=display_name,
        password=password,
        role=Role.ADMINISTRATOR.value,
        now=now,
    )
    user = session.get(User, user_id)
    assert user is not None
    user.last_login_at = now
    return _actor(user)


# -- administration of accounts ------------------------------------------------------------------
def _require_administrator(session: Session, actor: Actor, what: str) -> None:
    if actor.role != Role.ADMINISTRATOR.value:
        raise PermissionDenied(f"Only an administrator may {what}.")
    if actor.user_id is not None:
        # The account as it is now, not as it was at sign-in: a window left open by someone
        # who has since been demoted or switched off no longer administers accounts.
        user = session.get(User, actor.user_id)
        if user is None or not user.active or user.role != Role.ADMINISTRATOR.value:
            raise PermissionDenied(
                f"Only an administrator may {what}; your account is no longer one (sign in again)."
            )


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise WorkflowError(f"There is no user account with id {user_id}.")
    return user


def user_id_named(session: Session, username: str) -> int:
    """The id of the account with this username (case does not matter)."""
    found = session.scalar(
        select(User.id).where(func.lower(User.username) == username.strip().lower())
    )
    if found is None:
        raise WorkflowError(f"There is no user account named '{username.strip()}'.")
    return found


def _audit_user(
    session: Session, *, user: User, action: str, actor: Actor, now: datetime, **extra: str | None
) -> None:
    audit(
        session,
        actor=actor,
        now=now,
        entity="user",
        entity_id=user.id,
        action=action,
        from_state=extra.get("from_state"),
        to_state=extra.get("to_state"),
        detail=extra.get("detail") or f"username {user.username}",
    )


def _keep_an_administrator(session: Session, user: User, doing: str) -> None:
    """Refuse when `user` is the only active administrator left (rows locked on PostgreSQL)."""
    if not (user.active and user.role == Role.ADMINISTRATOR.value):
        return
    # Locking the administrators' rows makes two workstations that demote the last two
    # administrators at once take turns; the second then sees only one left.
    admins = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMINISTRATOR.value, User.active.is_(True))
        .with_for_update()
    ).all()
    if len([a for a in admins if a != user.id]) == 0:
        raise WorkflowError(
            f"'{user.username}' is the last active administrator; {doing} would leave nobody "
            "to manage accounts, so make another administrator first."
        )


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    person_id: int | None = None,
    actor: Actor,
    now: datetime,
) -> int:
    """An administrator adds an account (every field checked); returns the new user's id."""
    _require_administrator(session, actor, "add user accounts")
    return create_user(
        session,
        username=username,
        display_name=display_name,
        password=password,
        role=role,
        person_id=person_id,
        now=now,
        actor_user_id=actor.user_id,
    )


def change_role(session: Session, *, user_id: int, role: str, actor: Actor, now: datetime) -> None:
    """An administrator gives an account another role (never demoting the last administrator)."""
    _require_administrator(session, actor, "change roles")
    user = _user(session, user_id)
    roles = [r.value for r in Role]
    if role not in roles:
        raise WorkflowError(f"The role '{role}' is not one of {', '.join(roles)}.")
    if user.role == role:
        raise WorkflowError(f"'{user.username}' already has the role {role}.")
    if role != Role.ADMINISTRATOR.value:
        _keep_an_administrator(session, user, "changing their role")
    old = user.role
    user.role = role
    _audit_user(
        session,
        user=user,
        action="change_role",
        actor=actor,
        now=now,
        from_state=old,
        to_state=role,
    )


def switch_off_user(session: Session, *, user_id: int, actor: Actor, now: datetime) -> None:
    """An administrator switches an account off: it can no longer sign in (history stays)."""
    _require_administrator(session, actor, "switch accounts off")
    user = _user(session, user_id)
    if not user.active:
        raise WorkflowError(f"The account '{user.username}' is already switched off.")
    _keep_an_administrator(session, user, "switching it off")
    user.active = False
    _audit_user(session, user=user, action="switch_off", actor=actor, now=now)


def switch_on_user(session: Session, *, user_id: int, actor: Actor, now: datetime) -> None:
    """An administrator switches an account on again."""
    _require_administrator(session, actor, "switch accounts on")
    user = _user(session, user_id)
    if user.active:
        raise WorkflowError(f"The account '{user.username}' is already switched on.")
    if user.person_id is not None:
        person = session.get(Person, user.person_id)
        if person is not None and person.anonymised_at is not None:
            raise WorkflowError(
                f"The account '{user.username}' belongs to an anonymised person and stays off."
            )
    user.active = True
    _audit_user(session, user=user, action="switch_on", actor=actor, now=now)


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WorkflowError(
            f"The new password must be at least {MIN_PASSWORD_LENGTH} characters long."
        )


def reset_password(
    session: Session, *, user_id: int, new_password: str, actor: Actor, now: datetime
) -> None:
    """An administrator sets a new password for an account (say, one its owner forgot)."""
    _require_administrator(session, actor, "reset passwords")
    user = _user(session, user_id)
    _check_new_password(new_password)
    user.password_hash = hash_password(new_password)
    _audit_user(session, user=user, action="reset_password", actor=actor, now=now)


def change_own_password(
    session: Session, *, actor: Actor, old_password: str, new_password: str, now: datetime
) -> None:
    """The signed-in user changes their own password, giving the present one first."""
    if actor.user_id is None:
        raise WorkflowError("Sign in to change your password.")
    user = _user(session, actor.user_id)
    if not verify_password(user.password_hash, old_password):
        raise WorkflowError("The present password is not right.")
    _check_new_password(new_password)
    if new_password == old_password:
        raise WorkflowError("The new password must differ from the present one.")
    user.password_hash = hash_password(new_password)
    _audit_user(session, user=user, action="change_password", actor=actor, now=now)
