from django.urls import path

from . import feeds, live, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<uslug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("preview/<str:token>/", views.SharedPreviewView.as_view(), name="shared-preview"),
    path("section/<uslug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("sources/<uslug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("authors/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("live/<uslug:slug>/", live.LiveDetailView.as_view(), name="live-detail"),
    path("live/<uslug:slug>/since/<int:pk>/", live.LiveSinceView.as_view(), name="live-since"),
    path("live/<uslug:slug>/update/<int:pk>/", live.live_update_link, name="live-update"),
    path("live/<uslug:slug>/feed/", feeds.LiveUpdatesFeed(), name="live-feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("page/<uslug:slug>/", views.SitePageView.as_view(), name="site-page"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("section/<uslug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("sources/<uslug:slug>/feed/", feeds.SourceFeed(), name="source-feed"),
    path("authors/<uslug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("ninjs/", views.ninjs_feed, name="ninjs-feed"),
    path("ninjs/<int:pk>.json", views.article_ninjs, name="article-ninjs"),
]
