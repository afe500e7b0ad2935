"""The claims of a verified entitlement token, and the rules that check them."""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple, NoReturn

from idverify_verifier.errors import InvalidToken

MAX_LIFETIME_SECONDS: Final = 900

# The statuses a person attests, as usp.status spells them: the one list. The
# service (which cannot be imported here) takes its U.S.-person statuses from
# this set, and its tests hold its attestation choices equal to
# ATTESTED_STATUSES. Refugees and asylees are the "protected individuals" of
# 8 U.S.C. 1324b(a)(3); no token says "protected_individual".
US_PERSON_STATUSES: Final = frozenset(
    {
        "us_citizen",
        "us_national",
        "lawful_permanent_resident",
        "refugee",
        "asylee",
    }
)
NOT_US_PERSON: Final = "not_us_person"
ATTESTED_STATUSES: Final = US_PERSON_STATUSES | {NOT_US_PERSON}
BASES: Final = frozenset({"document", "sponsorship", "both", "review", "self"})

# Only the lowercase hyphenated spelling is accepted: revocation lists are matched by
# exact string, so a second spelling of the same UUID would slip past them.
_uuid_match: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
).fullmatch


# NamedTuples rather than frozen dataclasses: just as immutable and typed, and several
# times cheaper to build, which shows in the cold-verify budget.
class UsPerson(NamedTuple):
    status: str
    level: int
    basis: str

    @property
    def is_us_person(self) -> bool:
        return self.status in US_PERSON_STATUSES


class Geo(NamedTuple):
    country: str | None
    subdivision: str | None


class Claims(NamedTuple):
    """A token that passed every check. ``aud`` is the model tier slug."""

    iss: str
    sub: str
    aud: str
    iat: int
    nbf: int
    exp: int
    jti: str
    usp: UsPerson
    org: str | None
    geo: Geo
    epoch: int
    cnf_jkt: str | None = None
    # The identity assurance behind ``usp`` ("none", "ial1", "ial2") and the OIDC4IDA
    # check_method codes of the evidence it rests on. Tokens without them: "none", ().
    ial: str = "none"
    evd: tuple[str, ...] = ()


_new_tuple: Final = tuple.__new__


# Identity assurance levels, lowest first (the service's attestations.evidence).
IAL_LEVELS: Final = ("none", "ial1", "ial2")


def _ial(value: object) -> str:
    if value is None:
        return "none"
    if type(value) is not str or value not in IAL_LEVELS:
        _invalid("ial must be one of none, ial1, ial2")
    return value


def _evd(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if type(value) is not list or any(type(code) is not str for code in value):
        _invalid("evd must be a list of check_method strings")
    return tuple(value)


def _invalid(message: str) -> NoReturn:
    raise InvalidToken("claims.invalid", message)


def integral(value: object) -> int | None:
    """A JSON number with no fractional part, as int; None for anything else (bools too)."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None


def _time(payload: dict[str, Any], name: str) -> int:
    value = integral(payload.get(name))
    if value is None:
        _invalid(f"{name} must be an integer number of seconds")
    return value


def _optional_str(obj: dict[str, Any], name: str, where: str) -> str | None:
    value = obj.get(name)
    if value is not None and type(value) is not str:
        _invalid(f"{where}.{name} must be a string or null")
    return value


def _usp_slow(value: object) -> UsPerson:
    """Explain exactly what is wrong with a usp claim that missed the table."""
    if type(value) is not dict:
        _invalid("usp must be an object")
    status = value.get("status")
    if type(status) is not str or status not in ATTESTED_STATUSES:
        _invalid("usp.status is not an attested status")
    level = integral(value.get("level"))
    if level is None or not 1 <= level <= 3:
        _invalid("usp.level must be 1, 2 or 3")
    basis = value.get("basis")
    if type(basis) is not str or basis not in BASES:
        _invalid("usp.basis is not a known basis")
    return UsPerson(status, level, basis)


# Every valid usp is one of 6 x 3 x 5 values; looking it up checks and builds it at once.
_USP_TABLE: Final[dict[tuple[object, object, object], UsPerson]] = {
    (status, level, basis): UsPerson(status, level, basis)
    for status in ATTESTED_STATUSES
    for level in (1, 2, 3)
    for basis in BASES
}


def _usp(value: object) -> UsPerson:
    if type(value) is dict:
        level = value.get("level")
        try:
            usp = _USP_TABLE.get((value.get("status"), level, value.get("basis")))
        except TypeError:  # an unhashable member; the slow path names it
            usp = None
        # True == 1 in a dict key, so a boolean level would otherwise pass.
        if usp is not None and type(level) is not bool:
            return usp
    return _usp_slow(value)


# Geo values repeat across tokens; only values from authentic tokens ever get here
# (the signature is checked first), and the cap bounds it regardless.
_GEO_MEMO_SIZE: Final = 4096
_geo_memo: dict[tuple[object, object], Geo] = {}


def _geo(value: object) -> Geo:
    if type(value) is not dict:
        _invalid("geo must be an object")
    key = (value.get("country"), value.get("subdivision"))
    try:
        geo = _geo_memo.get(key)
    except TypeError:
        geo = None
    if geo is not None:
        return geo
    geo = Geo(_optional_str(value, "country", "geo"), _optional_str(value, "subdivision", "geo"))
    if len(_geo_memo) >= _GEO_MEMO_SIZE:
        _geo_memo.clear()
    _geo_memo[key] = geo
    return geo


def _cnf_jkt(payload: dict[str, Any]) -> str:
    cnf = payload["cnf"]
    if type(cnf) is not dict or type(cnf.get("jkt")) is not str or not cnf["jkt"]:
        _invalid("cnf must be an object with a jkt string")
    jkt: str = cnf["jkt"]
    return jkt


# Subjects and organisations recur across tokens, so a UUID already seen in an authentic
# token skips the pattern match; only signed payloads get here, and the cap bounds it.
_KNOWN_IDS_SIZE: Final = 65536
_known_ids: set[str] = set()


def _is_id(value: str) -> bool:
    if _uuid_match(value) is None:
        return False
    if len(_known_ids) >= _KNOWN_IDS_SIZE:
        _known_ids.clear()
    _known_ids.add(value)
    return True


def check_claims(
    payload: dict[str, Any], *, issuer: str, audience: str, now: float, leeway: float
) -> Claims:
    """Check shape, issuer, audience and time, in the order of the reason codes."""
    get = payload.get
    sub = get("sub")
    if type(sub) is not str or (sub not in _known_ids and not _is_id(sub)):
        _invalid("sub must be a lowercase hyphenated UUID")
    jti = get("jti")
    if type(jti) is not str or _uuid_match(jti) is None:
        _invalid("jti must be a lowercase hyphenated UUID")
    org = get("org")
    if org is not None and (type(org) is not str or (org not in _known_ids and not _is_id(org))):
        _invalid("org must be a lowercase hyphenated UUID or null")
    iat = get("iat")
    nbf = get("nbf")
    exp = get("exp")
    if type(iat) is not int or type(nbf) is not int or type(exp) is not int:
        iat = _time(payload, "iat")
        nbf = _time(payload, "nbf")
        exp = _time(payload, "exp")
    epoch = get("epoch")
    if type(epoch) is not int:
        epoch = integral(epoch)
    if epoch is None or epoch < 0:
        _invalid("epoch must be a non-negative integer")
    usp = _usp(get("usp"))
    geo = _geo(get("geo"))
    cnf_jkt = _cnf_jkt(payload) if "cnf" in payload else None
    ial = _ial(get("ial"))
    evd = _evd(get("evd"))

    if get("iss") != issuer:
        raise InvalidToken("claims.iss", "the token was issued by another issuer")
    aud = get("aud")
    if type(aud) is not str or aud != audience:
        # A list is refused even when it names this audience: one token, one tier.
        raise InvalidToken("claims.aud", "the token is for another model tier")

    if now >= exp + leeway:
        raise InvalidToken("claims.expired", "the token has expired")
    if now < nbf - leeway or iat > now + leeway:
        raise InvalidToken("claims.not_yet_valid", "the token is not valid yet")
    if exp - iat > MAX_LIFETIME_SECONDS:
        raise InvalidToken(
            "claims.lifetime", f"the token lives longer than {MAX_LIFETIME_SECONDS} seconds"
        )
    # tuple.__new__ skips the Python-level __new__ a NamedTuple generates.
    return _new_tuple(
        Claims,
        (issuer, sub, audience, iat, nbf, exp, jti, usp, org, geo, epoch, cnf_jkt, ial, evd),
    )
