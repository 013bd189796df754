from django.conf import settings
from django.urls import reverse
from django.utils import translation


class AdminLanguageMiddleware:
    """The newsroom's admin is always in the default language (Arabic, right to left).

    Editors write both languages from the same Arabic admin, in tabs; letting a
    browser's Accept-Language switch the admin to English would also switch which
    column untranslated lookups (tags, autocomplete) read and write.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path_info.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
