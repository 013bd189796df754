"""The photo library: models, upload inspection and renditions (images.py), the desk's writes
(services.py), credits reports, media serving and the admin."""
