"""Reads of the accounts app, one module per aggregate (users, API keys, organisations,
domain challenges, memberships, sponsorships, invitations, enrolments). Each read takes
who is asking (``viewer``), so a view cannot forget to scope what it shows."""
