"""Writes of the entitlements app, one module per concern (keys, tiers, tokens, revocations,
clients). Each service owns its transaction and writes its audit record inside it."""
