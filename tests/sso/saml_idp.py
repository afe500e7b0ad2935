"""A real SAML 2.0 identity provider for the tests: pysaml2's ``Server`` behind a small WSGI
app in a thread, signing with a key made at test time (xmlsec1).

``person`` is who is signed in at the IdP (as if they had typed their IdP
password); the IdP answers an AuthnRequest (HTTP-Redirect binding) with a
signed Response in an auto-submitting form (HTTP-POST binding), as Okta and
Entra ID do. ``sign``/``audience`` let a test make it misbehave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

from tests.sso.certs import KeyPair, self_signed
from tests.support.serving import serve_in_thread

PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class SamlIdp:
    name: str
    directory: Path
    keys: KeyPair = field(init=False)
    person: str = ""
    sign: bool = True
    audience: str | None = None  # another SP's entity id, for the wrong-audience test
    pose_as: SamlIdp | None = None  # claim another IdP's entity id, sign with this key
    server: Server | None = None
    _http: WSGIServer | None = None

    def __post_init__(self) -> None:
        self.keys = self_signed(f"{self.name} test IdP")
        self._http = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        serve_in_thread(self._http)

    @property
    def base(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_port}"

    @property
    def entity_id(self) -> str:
        return self.pose_as.entity_id if self.pose_as else f"{self.base}/metadata"

    @property
    def sso_url(self) -> str:
        return self.pose_as.sso_url if self.pose_as else f"{self.base}/sso/redirect"

    @property
    def own_sso_url(self) -> str:
        return f"{self.base}/sso/redirect"

    def trust(self, sp_metadata: str) -> None:
        """Load the service provider's metadata (as an admin pastes it into Okta)."""
        key_file, cert_file = self.keys.write(self.directory, self.name)
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {"default": {"name_form": NAME_FORMAT_URI}},
                    }
                },
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "metadata": {"inline": [sp_metadata]},
            }
        )
        self.server = Server(config=config)

    def app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] != "/sso/redirect" or self.server is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        request = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message)
        if self.audience:
            args["sp_entity_id"] = self.audience
        response = self.server.create_authn_response(
            {"mail": [self.person], "givenName": ["Test"], "sn": ["Person"]},
            userid=self.person,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=self.person),
            authn={"class_ref": PASSWORD_CLASS, "authn_auth": self.entity_id},
            sign_assertion=self.sign,
            sign_response=False,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
            **args,
        )
        http = self.server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            query.get("RelayState", ""),
            response=True,
        )
        start_response("200 OK", [("Content-Type", "text/html")])
        return [str(http["data"]).encode("utf-8")]

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
