"""Kizuna: the seminar program as data, filters, calendars, maps and timelines."""

__version__ = "0.1.0"
