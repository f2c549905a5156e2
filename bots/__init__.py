"""Chat channel adapters over the Assistant service."""
