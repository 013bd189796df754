from modeltranslation.translator import TranslationOptions, register

from .models import Agency, Article, Author, Correction, Image, Placement, Section, SitePage, Tag

# Arabic is the default language and always required; English is optional.


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("headline", "dek", "slug", "body")
    required_languages = ("ar",)


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("caption", "alt_text")
    required_languages = {"ar": ("alt_text",)}


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(Agency)
class AgencyTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "bio")
    required_languages = ("ar",)


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(Placement)
class PlacementTranslationOptions(TranslationOptions):
    fields = ("caption_override",)


@register(Correction)
class CorrectionTranslationOptions(TranslationOptions):
    fields = ("note",)
    required_languages = ("ar",)


@register(SitePage)
class SitePageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("ar",)
