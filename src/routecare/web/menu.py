"""The menu: one table of destinations, each shown only to roles the route policy lets in.

The menu never decides access itself: an entry is shown when `policy.requirement_for` says its
page is open to the signed-in principal, so the menu and the route table cannot disagree. A
page whose route is not (yet) in the table stays hidden rather than leading to a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from routecare.auth.policy import Access, Permission, allows, requirement_for
from routecare.auth.principal import Principal


def _(message: str) -> str:
    """Marks a label for extraction; templates translate it at render time."""
    return message


@dataclass(frozen=True)
class MenuEntry:
    path: str
    label: str  # an English msgid, translated by the template


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("/", _("Home")),
    MenuEntry("/screening", _("New screening")),
    MenuEntry("/cases", _("Cases")),
    MenuEntry("/referrals", _("Referrals")),
    MenuEntry("/services", _("Services")),
    MenuEntry("/placement", _("Emergency bed")),
    MenuEntry("/placement/queue", _("Escalated placements")),
    MenuEntry("/linkage/notices", _("Match notices")),
    MenuEntry("/exchange/received", _("Packages from partner countries")),
    MenuEntry("/exchange/oversight", _("Cross-border exchange oversight")),
    MenuEntry("/referrals/flows", _("Referral flows")),
    MenuEntry("/observatory", _("Observatory")),
    MenuEntry("/admin/users", _("Users")),
    MenuEntry("/admin/organisations", _("Organisations")),
    MenuEntry("/audit", _("Audit trail")),
    MenuEntry("/account/two-factor", _("Two-step sign-in")),
    MenuEntry("/account/preferences", _("Time zone and language")),
)


def may_open(principal: Principal, path: str) -> bool:
    """Whether the route policy lets this principal GET `path` (a page without parameters)."""
    requirement = requirement_for("GET", path)
    if isinstance(requirement, Permission):
        return allows(principal, requirement)
    return requirement in (Access.SIGNED_IN, Access.SECOND_FACTOR)


def menu_for(principal: Principal) -> list[MenuEntry]:
    """The entries this principal may open, in the table's order."""
    return [entry for entry in MENU if may_open(principal, entry.path)]
