"""SCIM's writes. Each owns its transaction and writes its audit events inside it."""
