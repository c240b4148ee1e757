"""Shared pieces of the /api/v1/ REST API: auth, pagination, throttling, errors, the feed.

The per-app serializers, filters and views live in cases/, people/ and campaigns/.
"""
