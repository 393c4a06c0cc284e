"""Meetings: the host rotation, plans, agendas, attendance, minutes, packs and calendars."""
