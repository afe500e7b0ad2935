"""Sign-in (django-allauth), passwords, second factors and outgoing email."""

from __future__ import annotations

from idverify.env import env_bool, env_int, env_secret, env_str
from idverify.settings.base import QUICKSTART

# --- Accounts and authentication -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's password backends, refusing passwords for people whose
# organisation made single sign-on mandatory (sso.backends).
AUTHENTICATION_BACKENDS = [
    "sso.backends.PasswordBackend",
    "sso.backends.AllauthPasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("IDV_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# Refuses addresses that start like a spreadsheet formula (accounts.email_addresses), and
# names the service, not the request's host, in emails (idverify.allauth_adapter).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# The mandatory-SSO rule on the sign-in and password-reset forms (sso.forms).
ACCOUNT_FORMS = {"login": "sso.forms.LoginForm", "reset_password": "sso.forms.ResetPasswordForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# --- Single sign-on per organisation (sso; docs/enterprise.md) ----------------------
# One SocialApp per organisation, made by its signing official; the adapter opens the
# sealed client secret, links the IdP's sign-in to the existing account of an address
# in the organisation's proven domain only, and never creates an account.
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}

# --- Second factors -----------------------------------------------------------------
# Compliance officers, signing officials, organisation admins and staff must use one
# (accounts.selectors.users.is_privileged; enforced by accounts.second_factor.middleware).
# Anyone else may. Authenticator apps (TOTP), passkeys and security keys (WebAuthn,
# through fido2), and single-use recovery codes for a lost device.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env_str("IDV_MFA_ISSUER", "idverify") or "idverify"
# TOTP seeds and recovery-code seeds are encrypted at rest under IDV_KEY_ENCRYPTION_KEY;
# the last second factor of a privileged person cannot be removed.
MFA_ADAPTER = "accounts.second_factor.adapter.SecondFactorAdapter"
# Personal access tokens of privileged people expire after this many days at most:
# a key outlives the second factor that allowed its creation only this long.
IDV_PRIVILEGED_API_KEY_DAYS = env_int("IDV_PRIVILEGED_API_KEY_DAYS", 90, minimum=1)

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if QUICKSTART
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "idverify <no-reply@localhost>")
