class UnicodeSlugConverter:
    """Django's ``<slug:>`` is ASCII-only: it 404s on «الكرملين». This one keeps Arabic."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
