"""What a visitor shows a taxi driver: the venue's Japanese name and address, and plainly what the program lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kizuna.i18n import visitors
from kizuna.program.model import Venue
from kizuna.program.text import one_line
from kizuna.views.maps import point_note

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")  # kana and kanji
_ = visitors.gettext


@dataclass(frozen=True)
class DriverCard:
    name: str  # for the driver: the Japanese name (the English one when there is none)
    address: str  # the Japanese address (the Latin one when there is none); empty when the program gives none
    small: tuple[str, ...]  # for the visitor, in their language: the name, what is missing, how sure the place is


def driver_card(venue: Venue) -> DriverCard:
    """The venue as a driver reads it; what the program does not give in Japanese is said, never made up."""
    if not venue.name_ja:
        small = [_("The program gives no Japanese name for this venue.")]
    else:  # the name as the visitor reads it, unless it is the driver's (a reader of Japanese)
        small = [one_line(venue.name)] if venue.name != venue.name_ja else []
    address = venue.address_ja or (venue.address if JAPANESE.search(venue.address) else "")
    if address and venue.address and venue.address != address:
        small.append(one_line(venue.address))
    elif not address and venue.address:
        address = venue.address
        small.append(_("The program gives the address in Latin letters only, not in Japanese."))
    elif not address:
        small.append(_("The program gives no address for this venue."))
    note = point_note(venue)
    small += [note] if note else []
    return DriverCard(one_line(venue.name_ja or venue.name), one_line(address), tuple(small))
