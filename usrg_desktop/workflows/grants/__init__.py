"""The innovation fund's rounds and applications, their screens and the funder's report."""
