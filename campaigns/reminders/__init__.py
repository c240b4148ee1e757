"""The reminder engine: rules (pure), planner, drafts, channels, sender, calendar feed.

DOMAIN.md "Reminders — once, and not twice". See docs/REMINDERS.md for the semantics.
"""
