"""The wire desk: agency copy in IPTC ninjs read and checked (validation.py, ninjs.py), imported as
stories (services.py), and our stories exported as ninjs (export.py)."""
