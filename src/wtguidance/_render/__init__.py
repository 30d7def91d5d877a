"""Presentation only: outcomes, protocol reports, diffs and edition pages for people.

Nothing below this wing imports it; the CLI, the service and the generator do.
"""
