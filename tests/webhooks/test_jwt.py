"""The sandbox's JWT checks (webhooks/signing.decode_jwt): each refusal's code and reason,
at the exact edges of the 5-second leeway, for malformed tokens and other algorithms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from hookctl.webhooks.signing import TokenError, decode_jwt, make_jwt, server_token

SECRET = "jwt-secret"
NOW = 1_800_000_000.0


def refused(token: str, *, now: float = NOW, secret: str = SECRET) -> tuple[int, str]:
    with pytest.raises(TokenError) as caught:
        decode_jwt(token, secret, now=now)
    return caught.value.code, caught.value.message


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(header: dict[str, Any], claims: dict[str, Any], secret: str = SECRET) -> str:
    head, body = _b64(header), _b64(claims)
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def test_a_server_token_decodes_to_its_claims() -> None:
    assert decode_jwt(server_token(SECRET), SECRET, now=NOW) == {"server": True}


def test_a_token_signed_with_another_secret_is_43() -> None:
    code, message = refused(server_token("other"))
    assert code == 43
    assert "signature is not valid" in message


@pytest.mark.parametrize(
    ("exp", "ok"), [(NOW - 5, True), (NOW - 5.001, False), (NOW - 4, True), (NOW + 60, True)]
)
def test_exp_has_exactly_five_seconds_of_leeway(exp: float, ok: bool) -> None:
    token = make_jwt({"user_id": "u", "exp": exp}, SECRET)
    if ok:
        assert decode_jwt(token, SECRET, now=NOW)["exp"] == exp
    else:
        assert refused(token) == (40, "JWTAuth error: token is expired")


@pytest.mark.parametrize(("nbf", "ok"), [(NOW + 5, True), (NOW + 5.001, False), (NOW - 100, True)])
def test_nbf_has_exactly_five_seconds_of_leeway(nbf: float, ok: bool) -> None:
    token = make_jwt({"user_id": "u", "nbf": nbf}, SECRET)
    if ok:
        assert decode_jwt(token, SECRET, now=NOW)["nbf"] == nbf
    else:
        assert refused(token) == (41, "JWTAuth error: token is not valid yet")


def test_iat_in_the_future_beyond_the_leeway_is_42() -> None:
    assert decode_jwt(make_jwt({"iat": NOW + 5}, SECRET), SECRET, now=NOW)["iat"] == NOW + 5
    assert refused(make_jwt({"iat": NOW + 6}, SECRET)) == (
        42,
        "JWTAuth error: token used before issue at (iat)",
    )


def test_non_numeric_time_claims_are_not_checked() -> None:
    claims = {"exp": "soon", "nbf": None, "iat": "x"}
    assert decode_jwt(make_jwt(claims, SECRET), SECRET, now=NOW) == claims


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "!!!.e30.sig",  # header is not base64
        f"{_b64(b'not json')}.e30.AAAA",
        f"{_b64({'alg': 'HS256'})}.{_b64(b'[1')}.AAAA",  # claims not JSON
    ],
)
def test_malformed_tokens_are_5(token: str) -> None:
    assert refused(token) == (5, "JWTAuth error: token is malformed")


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        ({"alg": "none", "typ": "JWT"}, {"server": True}),
        ({"alg": "HS512", "typ": "JWT"}, {"server": True}),
        ({"alg": "RS256", "typ": "JWT"}, {"server": True}),
        ({"typ": "JWT"}, {"server": True}),
        ({"alg": "HS256"}, ["server"]),  # claims must be an object
    ],
)
def test_other_algorithms_and_non_object_claims_are_refused_even_when_signed(
    header: dict[str, Any], claims: Any
) -> None:
    code, message = refused(signed(header, claims))
    assert code == 5
    assert message == "JWTAuth error: token is malformed or uses an unsupported algorithm"


def test_an_unsigned_alg_none_token_is_refused() -> None:
    token = f"{_b64({'alg': 'none'})}.{_b64({'server': True})}."
    assert refused(token)[0] == 5
