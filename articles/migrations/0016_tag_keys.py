"""One tag per word however it is spelled: each tag gets a comparison key (the search normaliser's
form of its Arabic name, articles.search.arabic.normalize), unique in the database.

Existing tags are not merged silently. When two or more existing tags share a key («الحكومة» and
«الحكـــومة»), the oldest (lowest id) gets the key and every later one keeps its name, slug and
stories with the key suffixed by its id («<key>#<id>»), so the constraint holds. An editor merges
them (or renames the later one, which gives it its own key); until then new spellings resolve to
the oldest tag.
"""

import unicodedata

from django.db import migrations, models

import articles.stories.text

# The normaliser as it was when this migration was written (articles/search/arabic.py), so the
# keys filled here do not change if the normaliser does.
_CONTROLS = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFEFF], None
)
_MARKS = {*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640}
_FOLD = {
    **{ord(c): "ا" for c in "أإآٱ"},
    **{ord(c): "ي" for c in "ىیےۓ"},
    **{ord(c): "ه" for c in "ةەہھۀۂۃ"},
    **{ord(c): "ك" for c in "کڪ"},
    **{0x0660 + d: str(d) for d in range(10)},
    **{0x06F0 + d: str(d) for d in range(10)},
}


def _key(name):
    text = "".join(c for c in unicodedata.normalize("NFKC", name or "") if ord(c) not in _MARKS)
    return " ".join(text.translate({**_CONTROLS, **_FOLD}).casefold().split())


def keys(names):
    """{pk: key} for ``names`` ({pk: Arabic name}): a key already taken by a lower pk is suffixed."""
    seen, result = set(), {}
    for pk in sorted(names):
        key = _key(names[pk])
        if key in seen:
            key = f"{key}#{pk}"
        seen.add(key)
        result[pk] = key
    return result


def fill_keys(apps, schema_editor):
    Tag = apps.get_model("articles", "Tag")
    tags = list(Tag.objects.only("pk", "name_ar", "name"))
    found = keys({tag.pk: tag.name_ar or tag.name for tag in tags})
    for tag in tags:
        tag.key = found[tag.pk]
    Tag.objects.bulk_update(tags, ["key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_tag_english_publication_times"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="key",
            field=articles.stories.text.KeyField(
                default="",
                editable=False,
                help_text="The name without tatweel, tashkeel or letter variants: two tags never share it.",
                max_length=300,
                source="name_ar",
                verbose_name="comparison key",
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                fields=("key",),
                name="tag_key_unique",
                violation_error_message="A tag with this name, spelled differently, already exists.",
            ),
        ),
    ]
