"""The newsroom's desk in the admin: stories, the catalogue, the admin site and dashboard, presence,
progress and backups."""
