"""Administrative units: the current (2025) commune-level units, with legacy codes."""
