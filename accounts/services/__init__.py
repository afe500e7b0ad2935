"""Writes of the accounts app, one module per aggregate (users, API keys, organisations,
domain challenges, memberships, sponsorships, invitations and their emails, enrolments).
Each service owns its transaction and writes its audit record inside it."""
