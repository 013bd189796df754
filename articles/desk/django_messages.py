"""Django's own messages that the Arabic catalogue (locale/ar) overrides.

Django's Arabic puts a masculine verb or pronoun before feminine nouns
(«أُضيف» a قصة), writes «13 القصص» beside a count, says «added» for a change,
gives durations the wrong noun form («11 يوم») and quotes names with ”“, where
Arabic in right-to-left text uses «». An entry in locale/ar wins over Django's
(LOCALE_PATHS come first); naming the messages here keeps those entries when
`make messages` extracts the catalogue again. Nothing imports this module for its
behaviour; the tests read it to check every message is translated.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy, npgettext_lazy

# The changelist's count (templates/admin/pagination.html), one entry per model,
# written out one by one because makemessages reads only literal strings.
RESULT_COUNTS = (
    # Django's own count beside the search box; makemessages also reads the
    # template's entry (its context a variable) as this one.
    ngettext_lazy("%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("article", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("image", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("section", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("author", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("agency", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("tag", "%(counter)s result", "%(counter)s results", "counter"),
    npgettext_lazy("creditsuggestion", "%(counter)s result", "%(counter)s results", "counter"),
)

SELECTION = (
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", "total_count"),
    gettext_lazy("0 of %(cnt)s selected"),
    gettext_lazy("Select all %(total_count)s %(module_name)s"),
    gettext_lazy("Select %s to change"),
    gettext_lazy("Add another %(verbose_name)s"),
    # The links beside a story's section, lead image and other related fields.
    gettext_lazy("Change selected %(model)s"),
    gettext_lazy("Add another %(model)s"),
    gettext_lazy("Delete selected %(model)s"),
    gettext_lazy("View selected %(model)s"),
)

SAVED = (
    gettext_lazy("The {name} “{obj}” was added successfully."),
    gettext_lazy("You may edit it again below."),
    gettext_lazy("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_lazy("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_lazy("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_lazy("The {name} “{obj}” was changed successfully."),
    gettext_lazy("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_lazy("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_lazy("Successfully deleted %(count)d %(items)s."),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"
    ),
)

HISTORY = (
    gettext_lazy("Added “%(object)s”."),
    gettext_lazy("Changed “%(object)s” — %(changes)s"),
    gettext_lazy("Deleted “%(object)s.”"),
    gettext_lazy("Added {name} “{object}”."),
    gettext_lazy("Added."),
    gettext_lazy("Changed {fields} for {name} “{object}”."),
    gettext_lazy("Changed {fields}."),
    gettext_lazy("Deleted {name} “{object}”."),
)

DELETION = (
    gettext_lazy(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? '
        "All of the following related items will be deleted:"
    ),
    gettext_lazy(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, "
        "but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_lazy(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following "
        "protected related objects:"
    ),
    gettext_lazy(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects "
        "and their related items will be deleted:"
    ),
    gettext_lazy(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_lazy(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
)

FORMS = (
    gettext_lazy("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_lazy("“%(pk)s” is not a valid value."),
    gettext_lazy("%(model_name)s with this %(field_label)s already exists."),
)

DURATIONS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)

# The story form's field names as Django keeps them in a history note: untranslated and
# capitalised («Status»), then passed through gettext when the note is written.
HISTORY_FIELDS = (
    gettext_lazy("Headline [ar]"),
    gettext_lazy("Headline [en]"),
    gettext_lazy("Dek [ar]"),
    gettext_lazy("Dek [en]"),
    gettext_lazy("Slug [ar]"),
    gettext_lazy("Slug [en]"),
    gettext_lazy("Body [ar]"),
    gettext_lazy("Body [en]"),
    gettext_lazy("Status"),
    gettext_lazy("Published at"),
    gettext_lazy("Embargoed until"),
    gettext_lazy("Lead image"),
    gettext_lazy("Position"),
    gettext_lazy("After paragraph"),
    gettext_lazy("Caption for this story [ar]"),
    gettext_lazy("Caption for this story [en]"),
    gettext_lazy("Link to the original report"),
    gettext_lazy("Name as written"),
    gettext_lazy("Needs translation"),
    gettext_lazy("Correction [ar]"),
    gettext_lazy("Correction [en]"),
)

# django-reversion's messages on our history, restore and recover pages.
REVERSION = (
    gettext_lazy("Revert %(verbose_name)s"),
    gettext_lazy("Revert %(name)s"),
    gettext_lazy("Recover %(name)s"),
    gettext_lazy("Recover deleted %(name)s"),
    gettext_lazy("Press the save button below to revert to this version of the object."),
    gettext_lazy("Press the save button below to recover this version of the object."),
    gettext_lazy("Reverted to previous version, saved on %(datetime)s"),
    gettext_lazy('The %(model)s "%(name)s" was reverted successfully. You may edit it again below.'),
    gettext_lazy("Initial version."),
    gettext_lazy("There are no deleted objects to recover."),
    gettext_lazy("Choose a date from the list below to revert to a previous version of this object."),
    gettext_lazy("Choose a date from the list below to recover a deleted version of an object."),
    gettext_lazy("This object doesn't have a change history. It probably wasn't added via this admin site."),
)
