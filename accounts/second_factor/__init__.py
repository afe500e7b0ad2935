"""Second factors for privileged people: who needs one, how a session proves it, and the
one middleware that holds them to it. The factors themselves are django-allauth's
(``allauth.mfa``: authenticator apps, passkeys, recovery codes)."""
