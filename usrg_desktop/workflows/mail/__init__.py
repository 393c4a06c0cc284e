"""E-mail: messages made from letters, packets and invitations, the outbox, the SMTP server."""
