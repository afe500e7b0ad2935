"""Name matching: normalisation, the per-snapshot index, and the documented score."""
