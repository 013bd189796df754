"""Editors (محرر) get the new permissions: publishing, corrections and history."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="محرر")
    editor.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    journalist, _ = Group.objects.get_or_create(name="صحفي")
    # Journalists never publish, correct published stories or handle credit suggestions.
    journalist.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=[
                "publish_article",
                "add_correction",
                "change_correction",
                "delete_correction",
                "change_creditsuggestion",
                "delete_creditsuggestion",
                "add_agencyalias",
                "change_agencyalias",
                "delete_agencyalias",
            ],
        )
    )
    journalist.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_placement", "add_placement", "change_placement", "delete_placement", "view_correction"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_workflow")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
