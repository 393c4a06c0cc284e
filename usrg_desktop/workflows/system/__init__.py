"""The system's own: accounts, roles, the audit log and change feed, backups, exports, Today."""
