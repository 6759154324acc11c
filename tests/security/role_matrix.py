"""Who may do what: one row per URL pattern, one cell per role and method.

tests/security/test_role_matrix.py walks every pattern of the URLconf with every role below and
compares each answer with this table. A pattern missing here fails that test, naming it and showing
what each role got (review before pasting: what the app does is not always what it should do).
The same module also asks, as olga, for this board's objects under her own board's address (she
must learn nothing: the answer for real ids equals the answer for ids that exist nowhere), and
sends PUT and DELETE everywhere as the superuser (405, or read like a GET; never a write).

Adding a row for a new page is usually one line, built from the helpers:

    "meetings:correction_new": Row(get=officers(), post=officers(CONFLICT), meeting="adjourned"),

Roles (the cast of tests/conftest.py, plus ethan, stella and root whom the walk adds):
  anonymous    nobody signed in
  other_board  olga, voting representative on another board
  ended_seat   ethan, whose seat on this board ended in 2021
  non_voting   nora, non-voting member (Globex)
  voting       victor, voting representative (Acme); owns the sample action and request
  alternate    alan, Acme's alternate (victor is present, so alan holds no vote)
  chair        alice
  secretary    sam
  treasurer    tessa: the treasurer (an office, no vote): a member everywhere but the budget,
               which she edits as the secretary does (budget/access.py)
  staff_seat   stella: staff superuser holding a "Staff" seat, as the demo's admin
               does; on the board's pages her seat decides, so she reads like a member
  superuser    root: staff superuser with no seat; sees every board as chair and secretary
               (governance.access.get_board_for)
  proxy        percy, non-voting member for Umbrella, present at the live meeting holding the
               proxy of Umbrella's absent representative (uma): he reads like a member and votes
               for Umbrella in the live motion. (A proxy is named per meeting, `meetings.proxies`;
               tests/meetings/test_proxies.py covers who may name and hold one.)

Outcomes are classes of answer:
  OK         2xx, or a redirect anywhere but a login page (a form refusal that re-renders the page
             with a message at 200 is OK too: the request did nothing)
  LOGIN      a redirect to the sign-in page (the site's or the admin's)
  FORBIDDEN  403: a known object the role may not touch
  NOT_FOUND  404: another board's objects, or none at all
  NOT_ALLOWED 405: the method is not one the view takes
  CONFLICT   400, 409 or 422: a form error or a state conflict (an empty POST mostly lands here)
  SERVER_ERROR is never expected anywhere.

Sample objects (see build_world in the test): `meeting` picks which meeting the ids point at:
"live" (in progress, an open item with a note, an open motion), "adjourned" (with circulated
minutes and a member's comment on them) or "scheduled" (next month, one agenda item).
A row's `kwargs` replaces sample URL arguments (same placeholders as `data`); a new kind of
object is built in build_world() in the test and its id added to sample_kwargs() there.
POSTs send empty data unless the row gives `data` (where "{live}", "{adjourned}" and "{scheduled}"
stand for those meetings' ids, and "{chair}", "{voting}"... for each role's person's id);
`htmx=True` sends the HX-Request header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "other_board",
    "ended_seat",
    "non_voting",
    "voting",
    "alternate",
    "proxy",
    "chair",
    "secretary",
    "treasurer",
    "staff_seat",
    "superuser",
)
METHODS = ("GET", "POST")

OK = "ok"
LOGIN = "login"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
CONFLICT = "409/422"
SERVER_ERROR = "500"

# Seated without office: they read the board and act for themselves only.
MEMBERS = ("non_voting", "voting", "alternate", "proxy", "treasurer", "staff_seat")
OFFICERS = ("chair", "secretary", "superuser")
OUTSIDERS = ("other_board", "ended_seat")

Cells = dict[str, str]


def cells(
    *,
    members: str,
    officers: str | None = None,
    anonymous: str = LOGIN,
    outsiders: str = NOT_FOUND,
    **roles: str,
) -> Cells:
    """A board page's cells: anonymous asked to sign in, outsiders (other board, ended seat) not
    found, then what members and officers get; any single role can be overridden by name."""
    table = {"anonymous": anonymous}
    table.update(dict.fromkeys(OUTSIDERS, outsiders))
    table.update(dict.fromkeys(MEMBERS, members))
    table.update(dict.fromkeys(OFFICERS, members if officers is None else officers))
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"no such role: {sorted(unknown)}")
    table.update(roles)
    return table


def board(outcome: str = OK, **roles: str) -> Cells:
    """Everyone seated on the board gets `outcome`."""
    return cells(members=outcome, **roles)


def officers(outcome: str = OK, **roles: str) -> Cells:
    """The chair, the secretary and the superuser get `outcome`; members are refused (403)."""
    return cells(members=FORBIDDEN, officers=outcome, **roles)


def secretary(outcome: str = OK, **roles: str) -> Cells:
    """The budget's editors: the secretary and the treasurer (and the superuser, who stands as a
    secretary) get `outcome`; the chair and members are refused."""
    return cells(
        members=FORBIDDEN, officers=outcome, **{"chair": FORBIDDEN, "treasurer": outcome, **roles}
    )


def not_allowed(**roles: str) -> Cells:
    """The view does not take this method: 405 to anyone who gets that far (an anonymous visitor
    is sent to sign in first, by the login-required middleware)."""
    return everyone(NOT_ALLOWED, **{"anonymous": LOGIN, **roles})


def signed_in(outcome: str = OK, **roles: str) -> Cells:
    """Pages about one's own account: anyone signed in, on any board or none."""
    return everyone(outcome, anonymous=LOGIN, **roles)


def everyone(outcome: str, **roles: str) -> Cells:
    table = dict.fromkeys(ROLES, outcome)
    table.update(roles)
    return table


@dataclass(frozen=True)
class Row:
    get: Cells
    post: Cells
    meeting: str = "live"
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    htmx: bool = False
    # Query strings to try, each a separate request held to the same cells ("{version}" is the
    # sample meeting's live version).
    queries: tuple[str, ...] = ("",)

    @classmethod
    def blank(cls) -> Row:
        return cls(get={}, post={})


def read_only(get: Cells, **options) -> Row:
    """A page that is only read: GET as given, POST refused with 405."""
    return Row(get=get, post=not_allowed(), **options)


def post_only(post: Cells, **options) -> Row:
    """A button: POST as given, GET refused with 405."""
    return Row(get=not_allowed(), post=post, **options)


# The minutes' views find the reader (and 404 outsiders) before they look at the method, and they
# are all about the adjourned meeting's circulated minutes.
MINUTES_NOT_ALLOWED = not_allowed(**dict.fromkeys(OUTSIDERS, NOT_FOUND))


def minutes_page(get: Cells, **options) -> Row:
    return Row(get=get, post=MINUTES_NOT_ALLOWED, meeting="adjourned", **options)


def minutes_button(post: Cells, **options) -> Row:
    return Row(get=MINUTES_NOT_ALLOWED, post=post, meeting="adjourned", **options)


# The admin is one family: a few representative pages stand for all its patterns. Staff status
# alone is not the cast's (nobody but the superuser has is_staff), so everyone else is sent to the
# admin's sign-in page.
ADMIN_FAMILY = "admin:*"
ADMIN_SAMPLES = {
    "admin:index": None,
    "admin:governance_board_changelist": None,
    "admin:meetings_meeting_change": "adjourned",  # the adjourned meeting's change form
    "admin:governance_auditentry_changelist": None,
}

MATRIX: dict[str, Row] = {
    # -- Public and account pages -----------------------------------------------------------------
    "healthz": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    "home": Row(get=signed_in(), post=signed_in()),  # redirects to the person's board
    "login": Row(get=everyone(OK), post=everyone(OK)),  # an empty form re-renders with errors
    "logout": Row(get=not_allowed(), post=everyone(LOGIN)),
    "signin_verify": Row(get=signed_in(), post=signed_in()),
    "password_change": Row(get=signed_in(), post=signed_in()),
    "password_change_done": read_only(signed_in()),
    "password_reset": Row(get=everyone(OK), post=everyone(OK)),
    "password_reset_done": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    # An invalid link: the page says so (200) and a POST to it changes nothing.
    "password_reset_confirm": Row(get=everyone(OK), post=everyone(OK)),
    "password_reset_complete": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    "profile": Row(get=signed_in(), post=signed_in()),
    # Two-factor pages (django-otp devices behind our own views): one's own account only.
    "two_factor": Row(get=signed_in(), post=signed_in()),
    "two_factor_setup": Row(get=signed_in(), post=signed_in()),
    "recovery_codes_renew": post_only(signed_in()),
    "two_factor_turn_off": post_only(signed_in()),
    ADMIN_FAMILY: Row(
        get=everyone(LOGIN, staff_seat=OK, superuser=OK),
        # The admin's forms answer an empty POST with the form again (200): the index takes no
        # POST but answers it like a GET.
        post=everyone(LOGIN, staff_seat=OK, superuser=OK),
    ),
    # -- The board --------------------------------------------------------------------------------
    # Read pages that answer a POST as if it were a GET (they take no form): harmless, listed so.
    "dashboard": Row(get=board(), post=board()),
    "members_directory": Row(get=board(), post=board()),
    # -- Meetings ---------------------------------------------------------------------------------
    "meetings:meeting_list": read_only(board()),
    "meetings:meeting_detail": read_only(board()),
    "meetings:meeting_schedule": Row(get=officers(), post=officers(CONFLICT)),
    "meetings:agenda_plan": Row(get=officers(), post=officers(CONFLICT), meeting="scheduled"),
    "meetings:agenda_carry_over": post_only(officers(CONFLICT), meeting="scheduled"),
    "meetings:agenda_publish": post_only(officers(), meeting="scheduled"),
    "meetings:agenda_move": post_only(officers(CONFLICT), meeting="scheduled"),
    "meetings:agenda_remove": post_only(officers(), meeting="scheduled"),
    # Apologies for victor: his own to send, or an officer's; another member is refused.
    "meetings:apologies": post_only(
        officers(voting=OK), meeting="scheduled", data={"person": "{voting}"}
    ),
    # Proxies for victor's vote: his own to name or withdraw, or an officer's; another member
    # is refused. (A refusal by the rules, e.g. Acme's proxy already named, redirects back to
    # the meeting page with the reason: OK.)
    "meetings:proxy_new": post_only(
        officers(voting=OK),
        meeting="scheduled",
        data={"holder": "{alternate}", "grantor": "{voting}"},
    ),
    "meetings:proxy_withdraw": post_only(officers(voting=OK), meeting="scheduled"),
    # The live poll, signed in by the session like every page; every poll re-checks the seat.
    # Asked for a changed record (no version) and as the unchanged poll (the version the page
    # has): both answer outsiders 404, with no version or status header.
    "meetings:meeting_live": read_only(board(), queries=("", "v={version}")),
    # A long record's folded notes of one item, read like the record.
    "meetings:item_notes": read_only(board()),
    "meetings:live_console": read_only(officers()),
    "meetings:console_start": post_only(officers(CONFLICT)),  # already started
    "meetings:console_adjourn": post_only(officers()),
    "meetings:console_attendance": post_only(officers(CONFLICT)),
    "meetings:console_guest": post_only(officers(CONFLICT)),
    "meetings:console_next_item": post_only(officers()),
    "meetings:console_add_item": post_only(officers(CONFLICT)),
    "meetings:console_open_item": post_only(officers()),
    "meetings:console_move_item": post_only(officers(CONFLICT)),
    "meetings:console_note": post_only(officers(CONFLICT)),
    "meetings:console_summary": post_only(officers(CONFLICT)),
    "meetings:item_edit": Row(get=officers(), post=officers(CONFLICT)),
    # Correcting an adjourned record: the chair and the secretaries; an empty post is a form error.
    "meetings:corrections": read_only(officers(), meeting="adjourned"),
    "meetings:correct_attendance": Row(
        get=officers(), post=officers(CONFLICT), meeting="adjourned"
    ),
    "meetings:correct_note": Row(get=officers(), post=officers(CONFLICT), meeting="adjourned"),
    "meetings:correct_item": Row(get=officers(), post=officers(CONFLICT), meeting="adjourned"),
    # -- Motions ----------------------------------------------------------------------------------
    "motions:motion_list": read_only(board()),
    "motions:motion_new": Row(get=officers(), post=officers(CONFLICT)),
    "motions:motion_detail": read_only(board()),
    "motions:motion_progress": read_only(board()),
    # A real vote: only Acme's present representative holds a vote on the open motion; everyone
    # else seated is told why not (422).
    "motions:motion_vote": post_only(
        board(CONFLICT, voting=OK, proxy=OK), data={"choice": "for"}, htmx=True
    ),
    "motions:motion_act": post_only(officers()),  # action "close" on the open motion
    # -- Budget (the secretary and the treasurer edit; see budget/access.py) ----------------------
    "budget:year_list": Row(get=board(), post=secretary()),
    "budget:year_overview": read_only(board()),
    # An empty status is answered 404 ("No such status") rather than as a form error.
    "budget:year_status": post_only(secretary(NOT_FOUND)),
    "budget:year_export_xlsx": read_only(board()),
    "budget:year_export_csv": read_only(board()),
    "budget:carry_over": Row(get=board(), post=secretary()),
    "budget:line_create": Row(get=secretary(), post=secretary()),
    "budget:line_detail": Row(get=board(), post=board()),
    "budget:request_create": Row(get=secretary(), post=secretary()),
    "budget:payment_create": Row(get=secretary(), post=secretary()),
    "budget:request_detail": Row(get=board(), post=board()),
    "budget:request_edit": Row(get=secretary(), post=secretary()),
    "budget:request_propose": post_only(secretary()),
    "budget:request_approve": Row(get=secretary(), post=secretary()),
    "budget:request_put_to_board": post_only(secretary()),
    "budget:request_reject": Row(get=secretary(), post=secretary()),
    "budget:request_settle": post_only(secretary()),
    # -- Minutes (of the adjourned meeting, circulated) -------------------------------------------
    "minutes:minutes_list": minutes_page(board()),
    # The feed exists only for a board that publishes its minutes; this one does not.
    "minutes:minutes_feed": Row(get=everyone(NOT_FOUND), post=everyone(NOT_ALLOWED)),
    "minutes:minutes_generate": minutes_button(officers()),  # a new revision from the record
    "minutes:minutes_detail": minutes_page(board()),
    "minutes:minutes_pdf": minutes_page(board()),
    "minutes:action_summary": minutes_page(board()),
    "minutes:minutes_markdown": minutes_page(board()),
    "minutes:minutes_edit": Row(get=officers(), post=officers(CONFLICT), meeting="adjourned"),
    "minutes:revision_list": minutes_page(board()),
    "minutes:revision_compare": minutes_page(board()),
    "minutes:minutes_circulate": minutes_button(officers(CONFLICT)),  # already circulated
    # With a complete form, so that the member's refusal comes from the rule, not the form.
    "minutes:minutes_approve": minutes_button(
        officers(), data={"method": "motion", "reference": "Motion 1 at the next meeting: carried"}
    ),
    "minutes:minutes_put_to_board": minutes_button(officers(), data={"where": "{scheduled}"}),
    "minutes:minutes_publish": minutes_button(officers(CONFLICT)),  # not approved yet
    # Nothing corrected since the minutes were written: said in words.
    "minutes:minutes_take_corrections": minutes_button(officers(CONFLICT)),
    "minutes:comment_add": minutes_button(board(CONFLICT)),  # an empty comment
    # The sample comment proposes no correction, so there is nothing to apply.
    "minutes:comment_apply": minutes_button(officers(CONFLICT)),
    # -- Actions ----------------------------------------------------------------------------------
    "actions:my_actions": read_only(board()),
    "actions:action_new": Row(get=officers(), post=officers(CONFLICT)),
    "actions:reconcile": read_only(officers()),
    "actions:reconcile_bulk": post_only(officers(CONFLICT)),
    "actions:action_detail": read_only(board()),
    # The action's owner (victor) and the officers update it; an empty update is refused.
    "actions:action_update": post_only(officers(CONFLICT, voting=CONFLICT)),
    # A long action summary's group, and many actions under one item, loaded when opened:
    # read like the meeting's record.
    "actions:summary_group": read_only(board(), kwargs={"group": "open"}),
    "actions:item_actions": read_only(board()),
    "actions:console_add": post_only(officers(CONFLICT)),
    "actions:console_review": post_only(officers()),
    # A long summary's group in the console's review panel, with its review forms: the console's.
    "actions:console_review_group": read_only(officers(), kwargs={"group": "open"}),
}

# The walk also asks, as olga, for this board's objects under her own board's address
# (/b/other-board/meetings/<this board's meeting>/...): a known defect there is keyed by this role.
CROSS_BOARD = "other_board_via_own_board"

# Cells where the application is known to answer otherwise than the matrix says: the matrix keeps
# the intended answer, the walk expects the defect (and fails once it is fixed, so that the entry
# is removed). Key: (pattern, role, method); value: one line saying what is wrong.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}
