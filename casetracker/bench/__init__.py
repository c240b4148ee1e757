"""``manage.py bench``: server-side timings of what partners, caseworkers and jobs do.

Every operation runs in-process (the Django test client, no network) against the data of
``generate_scale_data``; next to each timing stands a *physical-limit reference*: plain SQL
that fetches exactly the fields the operation returned, for the same rows, plus an orjson
dump of them, timed in the same run. See docs/PERFORMANCE.md.
"""
