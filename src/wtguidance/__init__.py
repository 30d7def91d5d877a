"""wtguidance: Working Together to Safeguard Children as versioned, cited rule packs."""
