"""The story admin's part in never losing a writer's text: autosave's endpoint, the offer and
restore of an unsaved copy (drafts.py), and both versions side by side after a save from an
outdated copy (merge.py)."""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.translation import gettext

from ..models import Correction
from ..stories import history
from . import drafts, merge
from .story_text import story_texts

# The writer's unsaved copy being restored, while changeform_view builds the form and formsets
# it goes back into (get_form and get_formset_kwargs read it). A context variable, so each
# thread or task serving a request sees only its own.
_restored_text: ContextVar[QueryDict | None] = ContextVar("sahifa_restored_text", default=None)


class DraftsAdminMixin:
    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            # Not behind admin_view: autosave must keep the text of a writer whose session has
            # just ended. The signed token in the form names the writer (drafts.py).
            path("autosave/", self.autosave_view, name="%s_%s_autosave" % info),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        restored = None
        if request.method == "GET" and request.GET.get("draft") == "restore":
            draft = drafts.draft_for(user=request.user, article_id=_article_id(object_id))
            if draft is not None:
                restored = QueryDict(draft.data)
                self.message_user(
                    request, gettext("Your unsaved text is back in the form. Check it, then save."), messages.WARNING
                )
        token = _restored_text.set(restored)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            _restored_text.reset(token)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        restored = _restored_text.get()
        if restored is None:
            return form
        # The writer's unsaved copy becomes the form's starting values, read by each widget as it
        # reads a submitted form (split date and time, selects).
        initial = {
            name: field.widget.value_from_datadict(restored, {}, name)
            for name, field in form.base_fields.items()
            if not field.disabled and not field.widget.value_omitted_from_data(restored, {}, name)
        }

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**kwargs.get("initial", {}), **initial}
                super().__init__(*args, **kwargs)

        return RestoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restored = _restored_text.get()
        if restored is not None and request.method == "GET":
            # Rows from the unsaved copy, new and deleted ones included, as the browser had them.
            kwargs.update(data=restored, files={})
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if (obj is None and self.has_add_permission(request)) or (
            obj is not None and self.has_change_permission(request, obj)
        ):
            self.add_draft_context(request, context, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_draft_context(self, request, context, obj):
        """Autosave's token, the state the writer starts from, the offer of an unsaved copy and,
        after a save from an outdated copy, both versions side by side (_drafts.html)."""
        form = context["adminform"].form
        formsets = [
            inline.formset for inline in context["inline_admin_formsets"] if inline.formset.model is not Correction
        ]
        article_id = obj.pk if obj is not None else None
        context["draft_token"] = drafts.draft_token(user=request.user, article_id=article_id)
        context["autosave_url"] = reverse("admin:articles_article_autosave")
        restored = _restored_text.get()
        conflict = getattr(form, "conflict", None)
        if conflict is not None:
            theirs = story_texts(
                type(form)(instance=conflict),
                [type(formset)(instance=conflict, prefix=formset.prefix) for formset in formsets],
            )
            mine = story_texts(form, formsets)
            context["conflict_rows"] = merge.compare(
                base=merge.decode_base(form.data.get(merge.BASE_FIELD)), theirs=theirs, mine=mine
            )
            context["conflict_message"] = merge.conflict_message(conflict)
            # The merged save does what the held one was asked to do (the button pressed: save
            # draft, send for review, publish…); the field's own cleaning checked the value.
            context["conflict_action"] = form.cleaned_data.get("desk_action") or "save"
            context["base_state"] = merge.encode_base(theirs)  # the next save starts from theirs
        elif form.is_bound:
            context["base_state"] = form.data.get(merge.BASE_FIELD, "")
        elif restored is not None:
            context["base_state"] = restored.get(merge.BASE_FIELD, "")
        else:
            stored = story_texts(form, formsets)
            context["base_state"] = merge.encode_base(stored)
            draft = drafts.draft_for(user=request.user, article_id=article_id)
            if draft is not None:
                context["draft_offer"] = self.draft_offer(draft, form, formsets, stored)

    def draft_offer(self, draft, form, formsets, stored):
        """What the writer's unsaved copy changes, as words; None (and the copy dropped) if nothing."""
        instance = form.instance
        if drafts.is_outrun_by_own_save(draft, instance if instance.pk else None):
            drafts.draft_discard(user=draft.user, article_id=draft.article_id)
            return None
        data = QueryDict(draft.data)
        mine = story_texts(
            type(form)(data=data, instance=instance),
            [type(formset)(data=data, instance=instance, prefix=formset.prefix) for formset in formsets],
        )
        differences = []
        for key, (label, text) in stored.items():
            my_text = mine.get(key, (label, text))[1]
            if my_text != text:
                old, new = history.word_diff(text, my_text)
                differences.append(history.Difference(label, old, new))
        if not differences:
            drafts.draft_discard(user=draft.user, article_id=draft.article_id)
            return None
        return {"saved_at": draft.saved_at, "differences": differences}

    def autosave_view(self, request):
        """The change form sends its fields here every few seconds: the writer's unsaved copy."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        owner = drafts.draft_owner(request.POST.get(drafts.TOKEN_FIELD))
        if owner is None:
            raise PermissionDenied
        user, article_id = owner
        if request.user.is_authenticated and request.user.pk != user.pk:
            raise PermissionDenied  # someone else has logged in on this browser since
        if not drafts.may_keep(user=user, article_id=article_id):
            raise PermissionDenied
        draft = drafts.draft_keep(user=user, article_id=article_id, data=request.POST)
        kept_at = date_format(timezone.localtime(draft.saved_at), "TIME_FORMAT")
        response = JsonResponse({"message": gettext("Unsaved copy kept at %(time)s") % {"time": kept_at}})
        add_never_cache_headers(response)
        return response

    def save_formset(self, request, form, formset, change):
        if change and formset.prefix in merge.chosen_theirs(request.POST):
            # A merged save where the writer took the other person's rows: those stay as stored.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return None
        return super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A saved story clears its writer's unsaved copy (a new story's, when it was new).
        drafts.draft_discard(user=request.user, article_id=form.instance.pk if change else None)


def _article_id(object_id) -> int | None:
    try:
        return int(unquote(object_id)) if object_id else None
    except ValueError:
        return None
