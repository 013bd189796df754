"""Live coverage (تغطية مباشرة): a story followed by updates, newest first."""
