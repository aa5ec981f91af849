"""Administrative procedures (thủ tục hành chính): search, detail and statistics."""
