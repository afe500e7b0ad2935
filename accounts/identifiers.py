"""Checks and normal forms for what an organisation registers with.

Each ``clean_*`` returns the normal form or raises ``ValueError`` with a
sentence a person can act on.
"""

from __future__ import annotations

import functools
import re

import pycountry
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.us import ein as stdnum_ein

UNITED_STATES = "US"

# GSA's published rules for the SAM.gov Unique Entity ID: 12 characters,
# letters and digits without O and I, not starting with 0, no run of nine
# digits (so it is never mistaken for a DUNS number or TIN). The twelfth
# character is a checksum whose algorithm GSA does not publish, so it is not
# checked here.
_UEI_CHARS = re.compile(r"^[A-HJ-NP-Z0-9]{12}$")
_NINE_DIGITS = re.compile(r"\d{9}")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    countries = sorted(pycountry.countries, key=lambda c: c.name)
    us = [(c.alpha_2, c.name) for c in countries if c.alpha_2 == UNITED_STATES]
    return us + [(c.alpha_2, c.name) for c in countries if c.alpha_2 != UNITED_STATES]


@functools.cache
def us_state_choices() -> list[tuple[str, str]]:
    """The 50 states, the District of Columbia and the territories (ISO 3166-2:US)."""
    states = [(s.code, s.name) for s in pycountry.subdivisions if s.country_code == UNITED_STATES]
    return sorted(states, key=lambda item: item[1])


def clean_country(value: str) -> str:
    code = value.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("Choose the country from the list (ISO 3166-1 code, e.g. US).")
    return code


def clean_us_state(value: str) -> str:
    code = value.strip().upper()
    if not code.startswith("US-"):
        code = "US-" + code
    if code not in dict(us_state_choices()):
        raise ValueError("Choose the state of incorporation from the list, e.g. Delaware.")
    return code


def clean_ein(value: str) -> str:
    """An EIN as NN-NNNNNNN, with a prefix the IRS assigns."""
    try:
        compact = stdnum_ein.validate(value)
    except (InvalidFormat, InvalidLength):
        raise ValueError("An EIN has nine digits, written NN-NNNNNNN, e.g. 12-3456789.") from None
    except InvalidComponent:
        raise ValueError(
            "The first two digits of this EIN are not a prefix the IRS assigns; "
            "check it against your IRS letter (CP 575 or 147C)."
        ) from None
    except ValidationError:
        raise ValueError("This is not a valid EIN.") from None
    return str(stdnum_ein.format(compact))


def clean_uei(value: str) -> str:
    uei = re.sub(r"[\s-]", "", value).upper()
    if len(uei) != 12:
        raise ValueError("A SAM.gov Unique Entity ID has exactly 12 letters and digits.")
    if not _UEI_CHARS.match(uei):
        raise ValueError(
            "A SAM.gov Unique Entity ID uses letters and digits only, never the letters O or I."
        )
    if uei.startswith("0"):
        raise ValueError("A SAM.gov Unique Entity ID never starts with 0.")
    if _NINE_DIGITS.search(uei):
        raise ValueError(
            "A SAM.gov Unique Entity ID never contains nine digits in a row; "
            "this looks like a DUNS number or TIN."
        )
    return uei


def clean_domain(value: str) -> str:
    """A registrable host name: lowercase, IDNA-encoded, no scheme, port or path."""
    text = value.strip().lower()
    text = re.sub(r"^https?://", "", text).rstrip("/").rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    if not text:
        raise ValueError("Enter the organisation's website domain, e.g. example.com.")
    if any(c in text for c in "/:?#@ "):
        raise ValueError("Enter only the domain, e.g. example.com, without a path or port.")
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("This is not a valid domain name.") from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not all(_LABEL.match(lb) for lb in labels):
        raise ValueError("Enter a full domain name with a dot, e.g. example.com.")
    if labels[-1].isdigit():
        raise ValueError("Enter a domain name, not an IP address.")
    return ascii_name
