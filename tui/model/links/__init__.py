"""A log's source links: which URLs it cites, whether they still answer, archived copies.

``cited`` lists the URLs (pure); ``remembered`` keeps each URL's last check in the user's
cache folder (stdlib only: the TUI reads it); ``check`` asks the web (httpx, async);
``insert`` writes ``archived:``/``accessed:`` lines into source blocks (text only);
``archive`` asks the Internet Archive for snapshots. Nothing here imports Textual.
"""
