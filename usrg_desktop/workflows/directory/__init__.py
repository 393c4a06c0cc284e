"""The contact directory: people, member cities and partner bodies."""
