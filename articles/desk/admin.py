"""The story desk in the admin: writing, review, scheduling, history, corrections and preview links."""

import copy

from django import forms
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms.models import construct_instance
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from js_asset import Media as JsAssetMedia
from modeltranslation.admin import TranslationTabularInline
from reversion.admin import VersionAdmin
from reversion.models import Version

from ..models import (
    Article,
    Byline,
    CitedSource,
    Correction,
    Placement,
)
from ..stories import history, permissions, services, translation_status
from ..stories.text import slugify, validate_one_script
from . import merge, presence
from .admin_base import URL_FIELD_OVERRIDES, LanguageLabelsMixin, TranslatedAdmin, person_name, thumbnail
from .drafts_admin import DraftsAdminMixin
from .story_desk import (
    ACTION_LABELS,
    ORDER_FIELD,
    InOrderFormSet,
    LabelledRowsFormSet,
    OrderedRowForm,
    StoryDeskViews,
    photo_card,
)
from .story_list import DeskFilter, with_date_ranges
from .story_text import STORY_FIELDS


class StoryRowsFormSet(InOrderFormSet):
    """A story's rows: one someone else deleted since the form was opened is dropped, never an
    error (a hidden id no longer in the database would otherwise fail the whole save silently)."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, prefix=None, queryset=None, **kwargs):
        if data is not None and instance is not None and instance.pk is not None:
            existing = self.model._default_manager.filter(**{self.fk.name: instance}).values_list("pk", flat=True)
            data, _dropped = merge.without_deleted_rows(
                data,
                prefix=prefix or self.get_default_prefix(),
                pk_name=self.model._meta.pk.name,
                existing={str(pk) for pk in existing},
            )
        super().__init__(data, files, instance, save_as_new, prefix, queryset, **kwargs)


class OrderedRowsInline:
    """Rows moved up and down on the page (story-desk.js), saved in that order. A story read
    but not edited has nothing to move: no order input there."""

    form = OrderedRowForm

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        story_admin = self.admin_site.get_model_admin(self.parent_model)
        if obj is not None and not story_admin.has_change_permission(request, obj):
            fields = [field for field in fields if field != ORDER_FIELD]
        return fields


class BylineInline(OrderedRowsInline, admin.TabularInline):
    model = Byline
    formset = StoryRowsFormSet
    extra = 2
    autocomplete_fields = ("author",)
    fields = ("author", "text", ORDER_FIELD)


class CitedSourceInline(OrderedRowsInline, admin.TabularInline):
    model = CitedSource
    formset = StoryRowsFormSet
    formfield_overrides = URL_FIELD_OVERRIDES
    extra = 1
    autocomplete_fields = ("source",)
    fields = ("source", "url", ORDER_FIELD)


class PlacementFormSet(StoryRowsFormSet):
    def clean(self):
        super().clean()
        # The parent form has already put its new status on self.instance.
        if self.instance.status != Article.Status.PUBLISHED:
            return
        placed = [
            form.cleaned_data["image"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("image")
            and not form.cleaned_data.get("DELETE")
        ]
        problems = services.publication_problems(images_shown=placed)
        if problems:
            raise forms.ValidationError(
                [gettext("This story cannot be published until its photos have a credit and alt text:"), *problems]
            )


class PlacementInline(OrderedRowsInline, LanguageLabelsMixin, TranslationTabularInline):
    model = Placement
    formset = PlacementFormSet
    extra = 1
    autocomplete_fields = ("image",)
    fields = ("image", "after_paragraph", "caption_override", ORDER_FIELD)


class ArticleAdminForm(forms.ModelForm):
    # The version the writer started from: a save based on an outdated copy is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Which of the form's buttons was pressed (permissions.ACTIONS); the buttons carry the value,
    # the field is never drawn. Without one, a save keeps the story's status.
    desk_action = forms.ChoiceField(choices=[(action, action) for action in permissions.ACTIONS], required=False)
    # The actions this user's role may take (ArticleAdmin.get_form sets it; the buttons shown
    # for each story are permissions.desk_actions).
    allowed_actions: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored story when this save came from an outdated copy (merge.py): the save is held.
        self.conflict = None
        if self.instance.pk and "expected_version" not in self.initial:
            self.initial["expected_version"] = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        try:
            services.article_check_version(article=self.instance, expected_version=cleaned_data.get("expected_version"))
        except services.EditConflict as conflict:
            # Nothing is written. The page shows both versions side by side (render_change_form);
            # the next save is based on the stored version, with the writer's choices applied.
            self.conflict = Article.objects.select_related("updated_by").get(pk=self.instance.pk)
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = self.conflict.version
            raise forms.ValidationError(merge.conflict_message(self.conflict), code="edit_conflict") from conflict
        if self.instance.pk:
            # A merged save: where the writer chose «خذ نسختهم», the stored value stays. The
            # instance still holds the stored values here (the form writes to it after clean()).
            for name in merge.chosen_theirs(self.data) & set(STORY_FIELDS) & set(cleaned_data):
                cleaned_data[name] = merge.stored_value(self.instance, name)
        self.apply_action(cleaned_data)
        # The form checks the model's constraints before save_model reaches the service, so a
        # story set to "published" without a time would be refused although the service stamps
        # it. Apply the service's rule first.
        if "status" in cleaned_data and "published_at" in cleaned_data:
            cleaned_data["published_at"] = services.publication_time(
                status=cleaned_data["status"], published_at=cleaned_data["published_at"]
            )
        # A slug left empty is made from the headline by the service, which refuses a word in two
        # alphabets: say so here, on the headline, rather than when the story is saved.
        for language, _name in settings.LANGUAGES:
            headline = cleaned_data.get(f"headline_{language}")
            if headline and not cleaned_data.get(f"slug_{language}"):
                try:
                    validate_one_script(slugify(headline))
                except ValidationError as error:
                    self.add_error(f"headline_{language}", error)
        lead_image = cleaned_data.get("lead_image")
        if cleaned_data.get("status") == Article.Status.PUBLISHED and lead_image is not None:
            problems = services.publication_problems(images_shown=[lead_image])
            if problems:
                self.add_error("lead_image", problems)
        self.check_status_rules()
        return cleaned_data

    def check_status_rules(self):
        """The model's rules on status and dates (embargo, a published story's time). The form leaves
        out constraints on fields it does not draw, and status is set by the buttons, not a field."""
        candidate = copy.copy(self.instance)
        construct_instance(self, candidate, fields=list(self.fields))
        try:
            candidate.validate_constraints(exclude={"slug_ar", "slug_en", "slug", "wire_uri"})
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)

    def apply_action(self, cleaned_data):
        """The status the pressed button leads to, on the form's story before its photos and
        dates are checked; save_model then calls the action's service."""
        action = cleaned_data.get("desk_action") or ""
        if not action:
            action = cleaned_data["desk_action"] = "save"
        if action not in self.allowed_actions:
            raise forms.ValidationError(gettext("You may not do this with this story."), code="action_not_allowed")
        status = {
            "save": self.instance.status,
            "draft": Article.Status.DRAFT,
            "review": Article.Status.REVIEW,
            "publish": Article.Status.PUBLISHED,
            "schedule": Article.Status.PUBLISHED,
            "unpublish": Article.Status.UNPUBLISHED,
        }[action]
        # The status is not a field (the button sets it): the history's note names it all the same.
        self.status_changed = bool(self.instance.pk) and status != self.instance.status
        self.instance.status = cleaned_data["status"] = status
        if "published_at" not in self.fields:
            return
        published_at = cleaned_data.get("published_at")
        if action == "publish" and (published_at is None or published_at > timezone.now()):
            cleaned_data["published_at"] = timezone.now()
        elif action == "schedule" and (published_at is None or published_at <= timezone.now()):
            self.add_error("published_at", gettext("Choose a publication time in the future to schedule the story."))


class CorrectionInline(LanguageLabelsMixin, TranslationTabularInline):
    model = Correction
    formset = LabelledRowsFormSet
    extra = 0
    fields = ("note", "created_at")
    readonly_fields = ("created_at",)
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # a published correction stays as readers saw it


# The body's columns and what a read-only view shows in their place.
READ_BODIES = {"body_ar": "body_ar_as_read", "body_en": "body_en_as_read"}

WIRE_FIELDS = ("wire_uri", "wire_version", "wire_versioncreated", "wire_image_href")


@admin.register(Article)
class ArticleAdmin(DraftsAdminMixin, StoryDeskViews, VersionAdmin, TranslatedAdmin):
    form = ArticleAdminForm
    # One count query, not two, on an archive of 100,000 stories.
    show_full_result_count = False
    list_per_page = 50
    list_display = ("thumb", "headline", "section", "status_shown", "published_at", "byline_names", "tag_names")
    list_display_links = ("thumb", "headline")
    list_filter = ("status", DeskFilter, "section", "published_at")
    list_select_related = ("section", "lead_image")
    search_fields = ("headline_ar", "headline_en", "dek_ar", "dek_en")
    date_hierarchy = "published_at"
    autocomplete_fields = ("section", "lead_image")
    prepopulated_fields = {"slug_ar": ("headline_ar",), "slug_en": ("headline_en",)}
    readonly_fields = (
        "lead_thumb",
        "created_by_name",
        "created_at",
        "updated_by_name",
        "updated_at",
        "desk_status",
        *WIRE_FIELDS,
    )
    inlines = (BylineInline, CitedSourceInline, PlacementInline, CorrectionInline)
    actions = ("publish_selected", "unpublish_selected")
    # VersionAdmin names its generic template; ours adds the comparison form and restore links for editors.
    object_history_template = "reversion/articles/article/object_history.html"
    # The writing surface (change_form.html): the text and its people in the main column, in the
    # order a story reads; where it is filed, its photo, status and dates in the side column.
    fieldsets = (
        (None, {"classes": ("sahifa-top",), "fields": ("headline", "dek")}),
        (None, {"classes": ("sahifa-body",), "fields": ("body", "expected_version")}),
        (_("Publication"), {"classes": ("sahifa-side",), "fields": ("desk_status", "published_at", "embargo_until")}),
        (_("Placement"), {"classes": ("sahifa-side",), "fields": ("section", "tags", "lead_image", "lead_thumb")}),
        (_("Address"), {"classes": ("sahifa-side", "collapse"), "fields": ("slug",)}),
        (
            _("Record"),
            {
                "classes": ("sahifa-side", "collapse"),
                "fields": ("created_by_name", "created_at", "updated_by_name", "updated_at"),
            },
        ),
        # Stories imported by the wire desk (import_ninjs): where they came from.
        (
            _("Agency copy"),
            {"classes": ("sahifa-side", "collapse"), "fields": ("is_translation_needed", *WIRE_FIELDS)},
        ),
    )

    class Media:
        js = ("admin-extra/tag-suggest.js", "admin-extra/presence.js", "admin-extra/story-desk.js")
        css = {"all": ("admin-extra/admin.css", "admin-extra/story-desk.css")}

    # --- Who may do what (articles.permissions is the policy; these apply it to each view) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_article(request.user, obj)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or permissions.can_view_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_editor(request.user) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return permissions.is_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not permissions.is_editor(request.user):
            fields = (*fields, *permissions.EDITOR_ONLY_FIELDS)
        if self.is_read_only(request, obj):
            fields = (*fields, *READ_BODIES.values())
        return fields

    def is_read_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.is_read_only(request, obj):
            return fieldsets
        # Someone who may only read the story reads its body as readers do, not as HTML source.
        return [
            (name, {**options, "fields": [READ_BODIES.get(field, field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def body_as_read(self, obj, language):
        body = getattr(obj, f"body_{language}")
        if not body:
            return "—"
        return format_html(
            '<div class="sahifa-readonly-body" lang="{}" dir="{}">{}</div>',
            language,
            "rtl" if language == "ar" else "ltr",
            mark_safe(body),  # noqa: S308 - sanitised on write (stories/sanitize.py), as reader pages show it
        )

    @admin.display(description=format_lazy("{} {}", _("body"), _("[Arabic]")))
    def body_ar_as_read(self, obj):
        return self.body_as_read(obj, "ar")

    @admin.display(description=format_lazy("{} {}", _("body"), _("[English]")))
    def body_en_as_read(self, obj):
        return self.body_as_read(obj, "en")

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or obj.status != Article.Status.PUBLISHED or not permissions.is_editor(request.user):
            inlines = [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not permissions.is_editor(request.user):
            # A journalist's form offers draft and review only; a forged value fails validation.
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value in permissions.JOURNALIST_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def reversion_register(self, model, **options):
        # What a revision holds is decided in one place (ArticlesConfig.register_history). The
        # admin is set up before that app is ready; left alone, VersionAdmin would register its
        # own guess first (no tags followed, the version counter saved) and win.
        django_apps.get_app_config("articles").register_history()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        with history.restoring(kept=history.kept_on_restore(article_id=unquote(object_id))):
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        with history.restoring():
            return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    # --- Lists and the form ---

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                "tags",
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            )
        )
        # Another journalist's draft is not listed, opened, previewed or offered by autocomplete.
        return with_date_ranges(permissions.visible_articles(queryset, user=request.user))

    def get_object(self, request, object_id, from_field=None):
        # As ModelAdmin.get_object, with the agency item the story was made from (if any) read in
        # the same query: the form shows its original text (story_desk.desk_context).
        queryset = self.get_queryset(request).select_related("agency_item")
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/heartbeat/",
                self.admin_site.admin_view(self.heartbeat_view),
                name="%s_%s_heartbeat" % info,
            ),
            path(
                "<path:object_id>/share/",
                self.admin_site.admin_view(self.share_view),
                name="%s_%s_share" % info,
            ),
            path(
                "<path:object_id>/share/revoke/",
                self.admin_site.admin_view(self.revoke_share_view),
                name="%s_%s_revoke_share" % info,
            ),
            path(
                "photo-card/",
                self.admin_site.admin_view(self.photo_card_view),
                name="%s_%s_photo_card" % info,
            ),
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name="%s_%s_withdraw" % info,
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="%s_%s_compare" % info,
            ),
        ] + super().get_urls()

    @admin.display(description=_("photo"))
    def thumb(self, obj):
        return thumbnail(obj.lead_image)

    @admin.display(description=_("lead image preview"))
    def lead_thumb(self, obj):
        # story-desk.js draws the same card when another photo is picked, before saving.
        if obj.lead_image is None:
            return format_html('<div class="sahifa-photo-card" aria-live="polite">{}</div>', "—")
        card = photo_card(obj.lead_image)
        flags = format_html('<strong class="sahifa-flag">{}</strong>', card["flags"]) if card["flags"] else ""
        return format_html(
            '<div class="sahifa-photo-card" aria-live="polite">{}<span class="sahifa-photo-card__credit">{}</span>'
            '<span class="sahifa-photo-card__alt">{}</span>{}</div>',
            thumbnail(obj.lead_image),
            card["credit"],
            card["alt"],
            flags,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, obj):
        # A story set to publish later is not yet public: «منشور» would tell the desk it is.
        if obj.status == Article.Status.PUBLISHED and obj.published_at and obj.published_at > timezone.now():
            return format_html(
                '<span class="sahifa-scheduled">{} <time datetime="{}">{}</time></span>',
                gettext("Scheduled"),
                obj.published_at.isoformat(),
                date_format(timezone.localtime(obj.published_at), "SHORT_DATETIME_FORMAT"),
            )
        return obj.get_status_display()

    # People by their names, as the desk knows them, not by their login.
    @admin.display(description=_("created by"))
    def created_by_name(self, obj):
        return person_name(obj.created_by)

    @admin.display(description=_("last changed by"))
    def updated_by_name(self, obj):
        return person_name(obj.updated_by)

    @admin.display(description=_("byline"))
    def byline_names(self, obj):
        return "، ".join(str(byline) for byline in obj.bylines.all())

    @admin.display(description=_("tags"))
    def tag_names(self, obj):
        return "، ".join(tag.name for tag in obj.tags.all())

    @admin.display(description=_("status"))
    def desk_status(self, obj):
        if obj is None or obj.pk is None:
            return gettext("New story, not saved yet")
        if obj.status == Article.Status.PUBLISHED and not obj.is_public and obj.published_at:
            when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            return gettext("Scheduled for %(when)s") % {"when": when}
        return obj.get_status_display()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            field.widget.attrs["data-autocomplete-url"] = reverse("admin:autocomplete")
        if field is not None and isinstance(field.widget, forms.MultiWidget):
            # A date and a time box under one legend: each named for what it holds.
            parts = (gettext("%(field)s: date"), gettext("%(field)s: time"))
            for widget, part in zip(field.widget.widgets, parts, strict=False):
                widget.attrs.setdefault("aria-label", part % {"field": db_field.verbose_name})
        if field is not None and db_field.name.rsplit("_", 1)[0] in {"headline", "dek", "body"}:
            field.widget.attrs["spellcheck"] = "true"  # the browser's spellchecker, in the field's language
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"allowed_actions": permissions.role_actions(request.user)})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        restore = history.current_restore()
        if restore is not None:
            # Inside the revision or recover view's transaction, after the old revision was
            # written back: a RevertError here becomes reversion's message and a rollback.
            history.check_restored_rows(story=str(Article.objects.filter(pk=unquote(object_id)).first() or ""))
            if restore.kept is not None:
                history.put_back(article_id=unquote(object_id), kept=restore.kept)
        if object_id:
            extra_context["others_editing"] = presence.others_editing(article_id=object_id, user=request.user)
            extra_context["heartbeat_url"] = reverse("admin:articles_article_heartbeat", args=[object_id])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # What the story's English page leaves out, shown above the form (change_form.html).
        context["untranslated"] = translation_status.untranslated(obj) if obj is not None else []
        # The editor's import map runs only with the request's CSP nonce. The middleware puts it
        # on responses it renders; django-reversion renders its restore page inside the view,
        # before any middleware sees it, so the nonce is put on here, for every form.
        media, nonce = context.get("media"), getattr(request, "csp_nonce", None)
        if isinstance(media, JsAssetMedia) and nonce is not None:
            context["media"] = media.with_nonce(str(nonce))
        # The explicit actions drawn as the form's buttons (desk_actions), with their labels.
        allowed = permissions.desk_actions(request.user, obj) if context.get("has_change_permission", True) else ()
        context["desk_actions"] = [(action, ACTION_LABELS[action]) for action in allowed]
        if obj is not None and obj.pk is not None:
            context.update(self.desk_context(request, obj))
        context["is_nav_sidebar_enabled"] = False  # the writing surface takes the page's width
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "desk_action" not in request.POST or IS_POPUP_VAR in request.POST:
            response = super().response_add(request, obj, post_url_continue)
        else:
            response = self.response_desk_action(request, obj)
        self.warn_untranslated(request, [obj])  # after the confirmation
        return response

    def response_change(self, request, obj):
        if "desk_action" not in request.POST or IS_POPUP_VAR in request.POST:
            response = super().response_change(request, obj)
        else:
            response = self.response_desk_action(request, obj)
        self.warn_untranslated(request, [obj])
        return response

    def warn_untranslated(self, request, stories):
        """A saved or published story with an incomplete English version: a warning, never a refusal."""
        gaps = translation_status.untranslated_stories(story.pk for story in stories)
        for story in stories:
            if gaps.get(story.pk):
                items = format_html_join("", "<li>{}</li>", ((gap,) for gap in gaps[story.pk]))
                intro = gettext("The English version of «%(story)s» is incomplete:") % {"story": story.headline_ar}
                self.message_user(request, format_html("{}<ul>{}</ul>", intro, items), messages.WARNING)

    def heartbeat_view(self, request, object_id):
        """The change form calls this while it is open: «someone else is editing this story»."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        presence.mark_editing(article_id=article.pk, user=request.user)
        others = presence.others_editing(article_id=article.pk, user=request.user)
        response = JsonResponse({"others": others})
        add_never_cache_headers(response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None and not permissions.can_read_history(request.user, article):
            raise PermissionDenied
        versions = list(
            Version.objects.get_for_object_reference(Article, unquote(object_id))
            .select_related("revision", "revision__user")
            .order_by("-revision__date_created")
        )
        extra_context = {
            **(extra_context or {}),
            "versions": versions,
            "can_restore": permissions.is_editor(request.user),
        }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not permissions.can_read_history(request.user, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(Article, article.pk).select_related("revision")
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            self.message_user(request, gettext("Choose two saved versions to compare."), messages.ERROR)
            return redirect("admin:articles_article_history", article.pk)
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes to «%(story)s»") % {"story": article},
            "opts": self.model._meta,
            "original": article,
            "old": old,
            "new": new,
            "differences": history.compare_versions(old, new),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if getattr(form, "status_changed", False):
            # Named as Django names a changed field: its label, untranslated in the log.
            with translation.override(None):
                label = str(capfirst(Article._meta.get_field("status").verbose_name))
            changed = next(
                (entry["changed"] for entry in message if "changed" in entry and "name" not in entry["changed"]), None
            )
            if changed is None:
                message.insert(0, {"changed": {"fields": [label]}})
            elif label not in changed["fields"]:
                changed["fields"].append(label)
        return message

    def save_model(self, request, obj, form, change):
        # The photo rules and the version were checked by the form and the photo formset above;
        # the service checks the version again under a row lock (two saves at the same moment).
        # The pressed button names the service.
        action = form.cleaned_data.get("desk_action") or "save"
        arguments = {
            "article": obj,
            "by": request.user,
            "check_images": False,
            "expected_version": form.cleaned_data.get("expected_version"),
        }
        if action == "publish":
            services.article_publish(**arguments)
        elif action == "schedule":
            services.article_schedule(at=obj.published_at, **arguments)
        elif action == "unpublish":
            services.article_unpublish(**arguments)
        elif action == "review":
            services.article_send_for_review(**arguments)
        elif action == "draft":
            services.article_save_draft(**arguments)
        else:
            services.article_save(**arguments)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        # Corrections are added through the service; the admin's history message reads what the
        # formset saved, so it is told here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for correction_form in formset.extra_forms:
            if correction_form.has_changed() and not correction_form.cleaned_data.get("DELETE"):
                data = correction_form.cleaned_data
                correction = services.article_add_correction(
                    article=form.instance,
                    note=data["note_ar"],
                    by=request.user,
                    translations={"en": {"note": data.get("note_en") or ""}},
                )
                formset.new_objects.append(correction)

    def save_related(self, request, form, formsets, change):
        # Tags (save_m2m) and the byline, source and photo inlines are saved after save_model;
        # the service indexes the story again and refreshes the pages that show it.
        services.article_save_related(
            article=form.instance, save=lambda: super(ArticleAdmin, self).save_related(request, form, formsets, change)
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, by=request.user)

    @admin.action(description=_("Publish the selected stories"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = []
        for article in queryset:
            try:
                services.article_publish(article=article, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"«{article.headline}»: {' '.join(error.messages)}", messages.ERROR)
                continue
            published.append(article)
        count = len(published)
        self.message_user(
            request,
            ngettext("%(count)d story published.", "%(count)d stories published.", count) % {"count": count},
            messages.SUCCESS,
        )
        self.warn_untranslated(request, published)

    @admin.action(description=_("Unpublish the selected stories"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            services.article_unpublish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d story unpublished.", "%(count)d stories unpublished.", count) % {"count": count},
            messages.SUCCESS,
        )
