"""Stories and their catalogue (sections, authors, agencies, tags): models, the writes with rules
(services.py), permissions, history and restores, preview links, sanitised rich text, Unicode slugs."""
