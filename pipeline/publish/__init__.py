"""Stage 5, publish: episodes → the RSS feed, cover, sidecars and show page; the check and the server.

This package's modules are imported by name (`pipeline.publish.feed`, ...), not from here:
`spec.py` holds facts the configuration checks against, so importing this package must stay free.
"""
