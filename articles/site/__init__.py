"""The reader site: views behind the published() gate, the page cache, feeds, sitemaps, structured
data, templates' environment and the story page's kept parts."""
