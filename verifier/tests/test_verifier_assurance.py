"""A model API can require a minimum identity assurance (``min_ial``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from idverify_verifier import InvalidToken, Verifier
from idverify_verifier.testing import OMIT, TokenFactory


def test_the_claims_say_what_stands_behind_the_status(
    make_verifier: Callable[..., Verifier], factory: TokenFactory
) -> None:
    verifier = make_verifier()
    verifier.refresh()
    claims = verifier.verify(factory.mint(ial="ial2", evd=["vri", "data"]))
    assert (claims.ial, claims.evd) == ("ial2", ("vri", "data"))


@pytest.mark.parametrize("ial", ["ial1", "ial2"])
def test_a_token_at_or_above_the_minimum_is_accepted(
    make_verifier: Callable[..., Verifier], factory: TokenFactory, ial: str
) -> None:
    verifier = make_verifier(min_ial="ial1")
    verifier.refresh()
    assert verifier.verify(factory.mint(ial=ial)).ial == ial


@pytest.mark.parametrize("ial", ["none", OMIT])
def test_a_token_below_the_minimum_is_refused_with_a_stable_code_every_time(
    make_verifier: Callable[..., Verifier], factory: TokenFactory, ial: object
) -> None:
    """A token without the claim (an older issuer) counts as no assurance."""
    verifier = make_verifier(min_ial="ial1")
    verifier.refresh()
    token = factory.mint(ial=ial, evd=["data"])
    for _ in range(2):  # the second time must not come from an accepting cache
        with pytest.raises(InvalidToken) as refused:
            verifier.verify(token)
        assert refused.value.code == "assurance.too_low"
        assert "ial1" in refused.value.message


def test_an_ial1_token_is_refused_where_ial2_is_required(
    make_verifier: Callable[..., Verifier], factory: TokenFactory
) -> None:
    verifier = make_verifier(min_ial="ial2")
    verifier.refresh()
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(factory.mint(ial="ial1"))
    assert refused.value.code == "assurance.too_low"


def test_an_unknown_minimum_is_a_configuration_error(
    make_verifier: Callable[..., Verifier],
) -> None:
    with pytest.raises(ValueError, match="min_ial"):
        make_verifier(min_ial="high")
