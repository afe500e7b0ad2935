"""Writes of the screening app, one module per concern: screening a subject (subjects),
an officer's decision on a match (review), importing a list snapshot (snapshots),
re-screening everyone after a list change (rescreens). Each owns its transaction and
writes its audit record inside it."""
