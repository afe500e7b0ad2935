"""Offline verification of idverify entitlement tokens (scaffold)."""
