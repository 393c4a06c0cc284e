"""Awards: their tranches, payments, reports, dates and closing."""
