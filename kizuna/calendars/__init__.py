"""Calendars: the RFC 5545 export of what is on screen (`ics`), the per-program feeds a calendar app subscribes to
(`feeds`) and the add-to-calendar and open-in-maps links of web services (`links`)."""
