"""The story form's writing desk: its explicit actions (labels and what each says when done),
rows kept in the order they have on the page, and the card of a picked photo."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AgencyItem, Article, Image
from ..stories import permissions, preview, services
from .admin_base import photo_flags


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table's inputs have no label of their own (the column heading is not one): each is
    named for its column and row, so a screen reader says which field of which row it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = index + 1 if index is not None else ""
        for field in form.fields.values():
            if field.label:
                # The widget itself, not the admin's wrapper (its attrs are the original widget's,
                # shared by every row).
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs["aria-label"] = gettext("%(field)s, row %(row)s") % {"field": field.label, "row": row}


ORDER_FIELD = "page_order"


class PageOrderField(forms.IntegerField):
    """A row's place on the page (story-desk.js keeps it as rows move up and down). Never a change
    of its own: an empty extra row stays empty, and a moved row is saved for its new position."""

    def has_changed(self, initial, data):
        return False


class OrderedRowForm(forms.ModelForm):
    """A row of a list whose order is the page's: its place travels in a hidden input, because
    the formset reads its forms in the order of their numbers, not of the page."""

    page_order = PageOrderField(
        required=False, min_value=0, widget=forms.HiddenInput(attrs={"class": "sahifa-row-order"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_moved = False  # set by InOrderFormSet.clean when the stored row changes place

    def has_changed(self):
        return super().has_changed() or self.is_moved


def page_order(form, index: int) -> int:
    """Where a bound row stands on the page: its hidden order, else its number (no script)."""
    data = getattr(form, "cleaned_data", None) or {}
    value = data.get(ORDER_FIELD)
    return index if value is None else value


class InOrderFormSet(LabelledRowsFormSet):
    """Rows keep the order they have on the page: nobody types a number for an order."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if ORDER_FIELD in form.fields and index is not None:
            form.fields[ORDER_FIELD].initial = index  # without the script, the page order is this

    def clean(self):
        super().clean()
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty extra row
            rows.append((page_order(form, index), index, form))
        for position, (_order, _index, form) in enumerate(sorted(rows, key=lambda row: row[:2])):
            if form.instance.pk is not None and form.instance.position != position:
                form.is_moved = True
            form.instance.position = position


def photo_card(image: Image) -> dict:
    """A photo's thumbnail, credit and alt-text status, as the story form shows them."""
    return {
        "thumbnail": image.fallback_url("card", 320) if image.rendition_key else "",
        "alt_text": image.alt_text,
        # What is missing is in the flags («no credit», «no alt text»), shown as a warning.
        "credit": gettext("Credit: %(credit)s") % {"credit": image.credit} if image.credit_id else "",
        "alt": gettext("Alt text: %(text)s") % {"text": image.alt_text_ar} if image.alt_text_ar else "",
        "flags": photo_flags(image),
    }


# The story form's buttons (permissions.desk_actions decides who sees which).
ACTION_LABELS = {
    "draft": _("Save draft"),
    "save": _("Save changes"),
    "review": _("Send for review"),
    "publish": _("Publish now"),
    "schedule": _("Schedule…"),
    "unpublish": _("Unpublish"),
}
# What each button did, said once it is done.
ACTION_MESSAGES = {
    "draft": _("The draft «%(story)s» was saved."),
    "save": _("Your changes to «%(story)s» were saved."),
    "review": _(
        "The story «%(story)s» was sent for review: the editors have it now. To change it, withdraw it from review."
    ),
    "publish": _("The story «%(story)s» is published: readers see it now."),
    "unpublish": _(
        "The story «%(story)s» was unpublished: readers no longer see it, and its preview links were revoked."
    ),
    "withdraw": _("The story «%(story)s» was withdrawn from review and is a draft again: you can edit it."),
}


class StoryDeskViews:
    """The story admin's views for the desk's own forms (preview links, withdrawing from review,
    a picked photo's card) and the confirmation after an action's button; ArticleAdmin mixes it in."""

    def desk_context(self, request, article):
        """The preview links and the withdraw button, for those who may use them (``article`` is
        the form's story, already read by the change view)."""
        context = {}
        if permissions.can_share_preview(request.user, article):
            context["share_url"] = reverse("admin:articles_article_share", args=[article.pk])
            context["revoke_share_url"] = reverse("admin:articles_article_revoke_share", args=[article.pk])
            context["preview_links"] = [
                (link, request.build_absolute_uri(preview.link_url(link))) for link in preview.live_links(article)
            ]
        if permissions.can_withdraw(request.user, article):
            context["withdraw_url"] = reverse("admin:articles_article_withdraw", args=[article.pk])
        if article.wire_uri:
            # The agency's original beside the story, for its translator; only a story the wire
            # made has one. The change view reads it with the story (ArticleAdmin.get_object).
            try:
                context["agency_original"] = article.agency_item
            except AgencyItem.DoesNotExist:
                pass
        return context

    def response_desk_action(self, request, obj):
        """Say in plain words what the pressed button did, and stay on the story."""
        action = request.POST.get("desk_action") or "save"
        story = obj.headline_ar or obj.headline
        if action == "schedule" or (action == "save" and obj.status == Article.Status.PUBLISHED and not obj.is_public):
            when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            message = gettext("The story «%(story)s» is scheduled for %(when)s; readers will see it from then.") % {
                "story": story,
                "when": when,
            }
        else:
            message = ACTION_MESSAGES.get(action, ACTION_MESSAGES["save"]) % {"story": story}
        self.message_user(request, message, messages.SUCCESS)
        if self.has_change_permission(request, obj) or self.has_view_permission(request, obj):
            return redirect("admin:articles_article_change", obj.pk)
        return redirect("admin:articles_article_changelist")

    def share_view(self, request, object_id):
        """Editors and the story's author create a preview link for someone outside the newsroom."""
        article = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if article is None or not permissions.can_share_preview(request.user, article):
            raise PermissionDenied
        try:
            link = services.preview_link_create(article=article, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:articles_article_change", article.pk)
        url = request.build_absolute_uri(preview.link_url(link))
        self.message_user(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                gettext("Preview link, valid for %(hours)d hours:") % {"hours": preview.link_hours()},
                url,
                url,
            ),
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def revoke_share_view(self, request, object_id):
        """Revoke one of the story's preview links (the button beside it on the story form)."""
        article = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if article is None or not permissions.can_share_preview(request.user, article):
            raise PermissionDenied
        key = request.POST.get("link", "")
        link = article.preview_links.filter(pk=key).first() if key.isdigit() else None
        if link is None:
            self.message_user(request, gettext("This preview link does not exist."), messages.ERROR)
        else:
            services.preview_link_revoke(link=link, by=request.user)
            self.message_user(request, gettext("The preview link was revoked: it shows nothing now."), messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def photo_card_view(self, request):
        """What the story form shows of a photo as soon as it is picked: thumbnail, credit, alt text."""
        if not request.user.has_perm("articles.view_image"):
            raise PermissionDenied
        key = request.GET.get("id", "")
        image = Image.objects.select_related("credit").filter(pk=key).first() if key.isdigit() else None
        if image is None:
            return JsonResponse({"error": gettext("This photo does not exist.")}, status=404)
        response = JsonResponse(photo_card(image))
        add_never_cache_headers(response)
        return response

    def withdraw_view(self, request, object_id):
        """Take a story out of review, back to its draft (its author, to fix a typo; or an editor)."""
        article = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if article is None or not permissions.can_withdraw(request.user, article):
            raise PermissionDenied
        services.article_withdraw(article=article, by=request.user)
        self.message_user(
            request, ACTION_MESSAGES["withdraw"] % {"story": article.headline_ar or article.headline}, messages.SUCCESS
        )
        return redirect("admin:articles_article_change", article.pk)
