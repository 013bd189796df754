"""Author pages with portrait and biography in both languages; about and contact pages edited by
editors and linked from every footer; the site's name and logo from settings in the masthead."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from articles.front import services as front
from articles.models import SitePage
from articles.stories import services

from .factories import make_article, make_author, make_image
from .test_permissions import newsroom_user
from .test_views import html_of

pytestmark = pytest.mark.django_db


def commit(write, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return write(*args, **kwargs)


def test_author_page_shows_portrait_with_credit_and_biography_in_each_language(client, now):
    author = make_author(name="ليلى حداد", name_en="Layla Haddad")
    author.photo = make_image(alt_text="صورة ليلى حداد")
    author.bio_ar = "مراسلة الشؤون السياسية في عمّان."
    author.bio_en = "Political correspondent in Amman."
    services.catalogue_save(obj=author)
    make_article(bylines=[author], english={"headline": "A story"})
    page = html_of(client.get(author.get_absolute_url()))
    assert "مراسلة الشؤون السياسية في عمّان." in page
    assert 'alt="صورة ليلى حداد"' in page and "Political correspondent" not in page
    with translation.override("en"):
        english = html_of(client.get(author.get_absolute_url()))
    assert "Political correspondent in Amman." in english and "مراسلة الشؤون" not in english


def test_author_page_queries_stay_constant(client, now, django_assert_max_num_queries):
    author = make_author()
    author.photo = make_image()
    services.catalogue_save(obj=author)
    for _n in range(5):
        make_article(bylines=[author])
    client.get(author.get_absolute_url())
    with django_assert_max_num_queries(5):
        assert client.get(author.get_absolute_url()).status_code == 200


def test_site_pages_are_linked_from_every_footer_and_refresh_it(client, now, settings):
    settings.PAGE_CACHE_SECONDS = 600
    story = make_article()
    about = commit(front.site_page_save, page=SitePage(title_ar="من نحن", slug="about", body_ar="<p>صحيفة مستقلة.</p>"))
    for url in (reverse("articles:home"), story.get_absolute_url()):
        assert f'<a href="{about.get_absolute_url()}">من نحن</a>' in html_of(client.get(url))
    assert "صحيفة مستقلة." in html_of(client.get(about.get_absolute_url()))
    contact = SitePage(title_ar="اتصل بنا", slug="contact", position=1)
    commit(front.site_page_save, page=contact)
    assert "اتصل بنا" in html_of(client.get(story.get_absolute_url()))
    # Without an English title, no English page and no English link.
    with translation.override("en"):
        assert client.get(about.get_absolute_url()).status_code == 404
        assert "من نحن" not in html_of(client.get(reverse("articles:home")))


def test_editors_write_site_pages_from_the_desk(client, now):
    client.force_login(newsroom_user("editor"))
    response = client.post(
        reverse("admin:articles_sitepage_add"),
        {
            "title_ar": "من نحن",
            "title_en": "About us",
            "slug": "about",
            "body_ar": "<p>نص</p>",
            "body_en": "",
            "position": 0,
            "is_in_footer": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    assert "من نحن" in html_of(client.get(reverse("articles:home")))


def test_sitepage_changelist_query_budget(client, now, django_assert_max_num_queries):
    client.force_login(newsroom_user("editor"))
    for n in range(5):
        front.site_page_save(page=SitePage(title_ar=f"صفحة {n}", slug=f"page-{n}"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("admin:articles_sitepage_changelist")).status_code == 200


def test_masthead_uses_the_site_name_and_logo_from_settings(client, now, settings):
    settings.SITE_LOGO = "img/icon.png"
    make_article()
    page = html_of(client.get(reverse("articles:home")))
    assert re.search(r'<img src="[^"]*img/icon[.\w]*\.png" alt="صحيفة"[^>]*class="site-logo"', page)


def test_site_page_query_budget(client, now, django_assert_max_num_queries):
    page = front.site_page_save(page=SitePage(title_ar="اتصل بنا", slug="contact", body_ar="<p>هاتف</p>"))
    client.get(page.get_absolute_url())
    with django_assert_max_num_queries(2):
        assert client.get(page.get_absolute_url()).status_code == 200
