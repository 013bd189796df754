"""The newsroom's two roles: journalists (صحفي) and editors (محرر)."""

from django.db import migrations

JOURNALIST_PERMISSIONS = [
    "view_article", "add_article", "change_article",
    "view_image", "add_image", "change_image",
    "view_tag", "add_tag",
    "view_section", "view_author", "view_agency",
    "view_byline", "add_byline", "change_byline", "delete_byline",
    "view_citedsource", "add_citedsource", "change_citedsource", "delete_citedsource",
    "view_taggedarticle", "add_taggedarticle", "change_taggedarticle", "delete_taggedarticle",
]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles = Permission.objects.filter(content_type__app_label="articles")
    journalist, _ = Group.objects.get_or_create(name="صحفي")
    journalist.permissions.set(articles.filter(codename__in=JOURNALIST_PERMISSIONS))
    editor, _ = Group.objects.get_or_create(name="محرر")
    editor.permissions.set(articles)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["صحفي", "محرر"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
