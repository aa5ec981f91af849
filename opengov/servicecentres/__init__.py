"""Public administration service centres (one-stop shops)."""
