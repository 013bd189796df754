"""The catalogue in the admin: sections, authors, agencies (with the ways their names are written) and tags."""

from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    Agency,
    AgencyAlias,
    Author,
    Section,
    Tag,
)
from ..photos import services as photo_services
from ..search.arabic import normalize
from .admin_base import URL_FIELD_OVERRIDES, CatalogueAdminMixin, TranslatedAdmin, person_name


@admin.register(Section)
class SectionAdmin(CatalogueAdminMixin, TranslatedAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}


@admin.register(Author)
class AuthorAdmin(CatalogueAdminMixin, TranslatedAdmin):
    list_display = ("name", "slug", "account")
    list_select_related = ("user",)
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}
    autocomplete_fields = ("user", "photo")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            field.label_from_instance = person_name  # the account chosen, by its holder's name
        return field

    @admin.display(description=_("user account"), ordering="user__last_name")
    def account(self, obj):
        return person_name(obj.user) if obj.user_id else "—"


@admin.register(Agency)
class AgencyAdmin(CatalogueAdminMixin, TranslatedAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ("name", "name_en", "slug", "alias_names", "website")
    search_fields = ("name_ar", "name_en", "slug", "aliases__name")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_inlines(self, request, obj):
        return (AgencyAliasInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("also written as"))
    def alias_names(self, obj):
        return "، ".join(alias.name for alias in obj.aliases.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgencyAlias:
            return super().save_formset(request, form, formset, change)
        # Aliases are written through the service, which computes their comparison key. The
        # admin's history message reads what the formset saved, so it is told here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for alias_form in formset.forms:
            data = getattr(alias_form, "cleaned_data", None)
            if not data or not (data.get("DELETE") or alias_form.has_changed()):
                continue
            if alias_form.instance.pk:
                formset.deleted_objects.append(alias_form.instance)
                alias_form.instance.delete()
            if not data.get("DELETE") and data.get("name"):
                formset.new_objects.append(photo_services.agency_add_alias(agency=form.instance, name=data["name"]))


@admin.register(Tag)
class TagAdmin(CatalogueAdminMixin, TranslatedAdmin):
    list_display = ("name", "name_en", "slug", "article_count")
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_ar",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=models.Count("tagged_articles"))

    @admin.display(description=_("stories"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


class AgencyAliasFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            name = getattr(form, "cleaned_data", {}).get("name")
            if not name or form.cleaned_data.get("DELETE"):
                continue
            key = normalize(name)
            taken = AgencyAlias.objects.filter(key=key).exclude(agency_id=self.instance.pk).select_related("agency")
            if key in seen or taken.exists():
                owner = taken.first().agency if taken.exists() else self.instance
                form.add_error(
                    "name", gettext("«%(name)s» is already an alias of %(agency)s.") % {"name": name, "agency": owner}
                )
            seen.add(key)


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    formset = AgencyAliasFormSet
    extra = 1
    fields = ("name",)
