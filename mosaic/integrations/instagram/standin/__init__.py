"""A local stand-in for Instagram's OAuth and Graph API: a real HTTP server, so development
and tests exercise Mosaic's real client over the network with no internet and no Meta app.

Start it with ``manage.py instagram_stand_in`` (http://127.0.0.1:8001 by default, where the
development settings point), or from a test with ``StandInServer(...).start()``.
"""
